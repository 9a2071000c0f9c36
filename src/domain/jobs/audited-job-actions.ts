// Operators' actions on jobs, each written to audit_logs with who did it: the CLI (`cli:<os user>`) and the
// dashboard (`admin:<email>`, with the admin's user id) both go through these, so the trail reads the same
// whichever door an action came through. Only an action that changed something is audited.
import type { Database } from '../../db/client';
import type { CancelResult, JobFilter, JobInspector, ReplayResult, RetryResult } from '../../jobs/providers/inspection';
import { writeAuditLog, type AuditType } from '../audit/write-audit-log';

export interface JobActor {
  /** How the audit row and a cancel reason name the actor, e.g. "cli:ada" or "admin:ada@example.com". */
  name: string;
  /** The admin's user id, when a signed-in user acted. */
  userId?: string;
}

export interface JobActionContext {
  db: Database;
  inspector: JobInspector;
  actor: JobActor;
}

async function audit({ db, actor }: JobActionContext, type: AuditType, data: Record<string, unknown>): Promise<void> {
  await writeAuditLog(db, { type, userId: actor.userId ?? null, data: { actor: actor.name, ...data } });
}

export async function retryJob(context: JobActionContext, jobId: string): Promise<RetryResult> {
  const result = await context.inspector.retry(jobId);
  if (result === 'retried') await audit(context, 'JOB_RETRIED', { jobId });
  return result;
}

export async function retryFailedJobs(
  context: JobActionContext,
  filter: Omit<JobFilter, 'status'>,
  onProgress?: (done: number) => void,
): Promise<{ retried: number }> {
  const outcome = await context.inspector.retryFailed(filter, onProgress);
  await audit(context, 'JOBS_RETRIED', { count: outcome.retried, definition: filter.definition ?? null, createdSince: filter.createdSince?.toISOString() ?? null });
  return outcome;
}

export async function replayJob(context: JobActionContext, jobId: string): Promise<ReplayResult> {
  const result = await context.inspector.replay(jobId);
  if (result.replayed) await audit(context, 'JOB_REPLAYED', { jobId, newJobId: result.jobId });
  return result;
}

/** The stored cancel reason names the actor, then the reason given (if any). */
export async function cancelJob(context: JobActionContext, jobId: string, reason?: string): Promise<{ result: CancelResult; reason: string }> {
  const stored = reason ? `${context.actor.name}: ${reason}` : context.actor.name;
  const result = await context.inspector.cancel(jobId, stored);
  if (result === 'cancelled') await audit(context, 'JOB_CANCELLED', { jobId, reason: stored });
  return { result, reason: stored };
}

export async function pruneJobs(context: JobActionContext, before: Date, onProgress?: (done: number) => void): Promise<{ deleted: number }> {
  const outcome = await context.inspector.prune(before, onProgress);
  await audit(context, 'JOBS_PRUNED', { count: outcome.deleted, before: before.toISOString() });
  return outcome;
}
