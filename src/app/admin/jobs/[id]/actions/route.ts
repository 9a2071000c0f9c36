import { z } from 'zod';
import { adminActionContext, jobIdFromSegment, jobPath } from '@/app/_lib/dashboard-actions';
import { isJobId } from '@/jobs/job-id';
import { withDashboardForm } from '@/app/_lib/with-dashboard-form';
import { withFlash } from '@/app/_lib/flash-message';
import type { Config } from '@/env';
import { ConflictError, NotFoundError } from '@/domain/errors';
import { cancelJob, replayJob, retryJob } from '@/domain/jobs/audited-job-actions';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const action = z.discriminatedUnion('action', [
  z.object({ action: z.literal('retry') }),
  z.object({ action: z.literal('replay') }),
  z.object({ action: z.literal('cancel'), reason: z.string().trim().max(500).optional() }),
]);

const page = (config: Config, id: string, notice: string) => withFlash(config, jobPath(id), 'notice', notice);

/**
 * POST /admin/jobs/:id/actions (form, admin session): retry a FAILED job, replay a COMPLETED one, cancel a
 * PENDING one; each audited with the admin. 404 unknown job, 409 wrong state; a browser is sent back to the job.
 */
export const POST = withDashboardForm({ schema: action, back: ({ id }: { id: string }) => jobPath(jobIdFromSegment(id)) }, async ({ request, runtime, params, input }) => {
  const context = await adminActionContext(request, runtime);
  const id = jobIdFromSegment(params.id);
  if (!isJobId(id)) throw new NotFoundError(`No job ${id}`);
  if (input.action === 'retry') {
    const result = await retryJob(context, id);
    if (result === 'not-found') throw new NotFoundError(`No job ${id}`);
    if (result === 'not-failed') throw new ConflictError(`Job ${id} is not FAILED; only failed jobs can be retried`);
    return { location: page(runtime.config, id, `Retried job ${id}: it went back to PENDING with fresh attempts; its completed steps stay done.`) };
  }
  if (input.action === 'replay') {
    const result = await replayJob(context, id);
    if (!result.replayed && result.reason === 'not-found') throw new NotFoundError(`No job ${id}`);
    if (!result.replayed) throw new ConflictError(`Job ${id} is not COMPLETED; only completed jobs can be replayed`);
    return { location: page(runtime.config, result.jobId, `Replay of job ${id}.`) };
  }
  const { result } = await cancelJob(context, id, input.reason);
  if (result === 'not-found') throw new NotFoundError(`No job ${id}`);
  if (result === 'not-cancellable') throw new ConflictError(`Job ${id} cannot be cancelled: only a PENDING job can, and on BullMQ not a slot its cron schedule queued`);
  return { location: page(runtime.config, id, `Cancelled job ${id}.`) };
});
