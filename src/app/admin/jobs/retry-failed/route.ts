import { z } from 'zod';
import { withFlash } from '@/app/_lib/flash-message';
import { adminActionContext } from '@/app/_lib/dashboard-actions';
import { withDashboardForm } from '@/app/_lib/with-dashboard-form';
import { retryFailedJobs } from '@/domain/jobs/audited-job-actions';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const filter = z.object({ definition: z.string().trim().min(1).max(200).optional() });


/** POST /admin/jobs/retry-failed (form, admin session): retries every FAILED job of the list's filter; audited. */
export const POST = withDashboardForm({ schema: filter, back: () => '/admin/jobs' }, async ({ request, runtime, input }) => {
  const { retried } = await retryFailedJobs(await adminActionContext(request, runtime), { definition: input.definition });
  const notice = `Retried ${retried} failed job${retried === 1 ? '' : 's'}.`;
  const list = input.definition ? `/admin/jobs?${new URLSearchParams({ definition: input.definition })}` : '/admin/jobs';
  return { location: withFlash(runtime.config, list, 'notice', notice) };
});
