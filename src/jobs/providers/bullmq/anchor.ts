// BullMQ keeps the queue in Redis; PostgreSQL keeps what must survive and be inspectable: one background_jobs row
// per BullMQ job (its "anchor", dedupe key `bullmq:<queue>/<id>`) that step memos hang off and SQL can read.
// Anchors stay PROCESSING with locked_until = 'infinity' while BullMQ owns the job, so a local worker (after a
// provider switch) never reclaims them; each attempt gets a new lock_token that fences memo writes.
import type { SqlExecutor } from '../../../db/client';

export interface Anchor {
  id: string;
  lockToken: string;
}

const START_ATTEMPT = `
  insert into background_jobs (job_id, event_name, payload, status, attempts, max_attempts, locked_by, locked_until, lock_token, dedupe_key, started_at)
  values ($1, $2, $3::jsonb, 'PROCESSING', $4, $5, 'bullmq', 'infinity', gen_random_uuid(), $6, now())
  on conflict (dedupe_key) where dedupe_key is not null do update
     set status = 'PROCESSING', attempts = excluded.attempts, locked_until = 'infinity', started_at = now(),
         lock_token = excluded.lock_token, updated_at = now()
  returning id::text as id, lock_token`;

export async function startAttempt(
  sql: SqlExecutor,
  job: { definitionId: string; eventName: string; data: unknown; attempt: number; maxAttempts: number; anchorKey: string },
): Promise<Anchor> {
  const rows = await sql.query<{ id: string; lock_token: string }>(
    START_ATTEMPT,
    [job.definitionId, job.eventName, JSON.stringify(job.data), job.attempt + 1, job.maxAttempts, job.anchorKey],
    'bullmq_anchor_start',
  );
  return { id: rows[0]!.id, lockToken: rows[0]!.lock_token };
}

/** A failed attempt BullMQ will retry: the anchor keeps its lease and records the error. */
export async function recordAttemptError(sql: SqlExecutor, anchor: Anchor, error: string): Promise<void> {
  await sql.query(`update background_jobs set last_error = $3, updated_at = now() where id = $1 and lock_token = $2`, [
    anchor.id,
    anchor.lockToken,
    error,
  ]);
}

export function anchorKey(queue: string, jobId: string): string {
  return `bullmq:${queue}/${jobId}`;
}

// cancelOn removed the job from BullMQ: its anchor (created now if the job never needed one) records why, so the
// cancellation is visible where every other outcome is, with the same status as on the local provider.
const CANCEL_ANCHOR = `
  insert into background_jobs (job_id, event_name, payload, status, attempts, max_attempts, dedupe_key, cancel_reason, completed_at)
  values ($1, $2, $3::jsonb, 'CANCELLED', $4, $5, $6, $7, now())
  on conflict (dedupe_key) where dedupe_key is not null do update
     set status = 'CANCELLED', cancel_reason = excluded.cancel_reason, completed_at = now(), updated_at = now(),
         locked_by = null, locked_until = null, lock_token = null`;

export async function cancelAnchor(
  sql: SqlExecutor,
  job: { definitionId: string; eventName: string; data: unknown; attempts: number; maxAttempts: number; anchorKey: string; reason: string },
): Promise<void> {
  await sql.query(
    CANCEL_ANCHOR,
    [job.definitionId, job.eventName, JSON.stringify(job.data), job.attempts, job.maxAttempts, job.anchorKey, job.reason],
    'bullmq_anchor_cancel',
  );
}
