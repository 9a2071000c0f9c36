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
  /** Whether any step memo exists for the job (an earlier attempt ran steps): without one, its run loads none. */
  has_memos: boolean;
}

/**
 * Columns RETURNING after a claim; shared by every claim statement so rows look the same. `has_memos` is one probe
 * of background_job_tasks' primary key inside the claim: it spares a first attempt (nearly every run) the round
 * trip that loads memos before its first step, the largest single cost of a short multi-step job.
 */
export const CLAIMED_COLUMNS = `j.id::text as id, j.job_id, j.event_name, j.payload, j.attempts, j.max_attempts, j.lock_token, j.event_id, j.created_at,
  exists (select 1 from background_job_tasks t where t.job_id = j.id) as has_memos`;

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
