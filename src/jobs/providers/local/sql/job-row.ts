/** A job as a worker holds it after claiming. `lock_token` is the fence every later write presents. */
export interface ClaimedJobRow {
  id: string;
  job_id: string;
  event_name: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
  lock_token: string;
  /** Null only on rows enqueued before the column existed. */
  event_id: string | null;
  created_at: Date | string;
}

/** Columns RETURNING after a claim; shared by every claim statement so rows look the same. */
export const CLAIMED_COLUMNS = `j.id::text as id, j.job_id, j.event_name, j.payload, j.attempts, j.max_attempts, j.lock_token, j.event_id, j.created_at`;

/** The NOTIFY channel new jobs are announced on. */
export const JOBS_CHANNEL = 'background_jobs';

/**
 * The SET clause of every claim: PROCESSING, the attempt counted up front, a lease, a fresh lock_token (the
 * fence), and started_at (the attempt's start, for its duration in attempt_history: no extra statement).
 * `worker` and `leaseMs` name the statement's parameters, e.g. `$2`, `$3`.
 */
export function markClaimed(worker: string, leaseMs: string): string {
  return `set status = 'PROCESSING', attempts = j.attempts + 1, locked_by = ${worker}, started_at = now(),
         locked_until = now() + ${leaseMs} * interval '1 millisecond', lock_token = gen_random_uuid(), updated_at = now()`;
}
