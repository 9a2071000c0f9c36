// Leases: a running job's lease is renewed every third of its length; a job whose lease lapsed (its worker died
// or froze) is handed out again by reclaimExpiredJobs, which every worker runs on its poll timer.
import type { SqlExecutor } from '../../../../db/client';
import { appendAttempt } from '../../postgres-store/attempt-record';

const RENEW_LEASES = `
  update background_jobs j
     set locked_until = now() + $3 * interval '1 millisecond'
    from unnest($1::bigint[], $2::uuid[]) as held(id, token)
   where j.id = held.id and j.lock_token = held.token and j.status = 'PROCESSING'
  returning j.id::text as id`;

/** Renews the leases of jobs this worker holds; returns the ids still held (others were lost to a reclaim). */
export async function renewLeases(
  sql: SqlExecutor,
  jobs: ReadonlyArray<{ id: string; lockToken: string }>,
  leaseMs: number,
): Promise<Set<string>> {
  if (jobs.length === 0) return new Set();
  const rows = await sql.query<{ id: string }>(
    RENEW_LEASES,
    [jobs.map((job) => job.id), jobs.map((job) => job.lockToken), leaseMs],
    'jobs_renew',
  );
  return new Set(rows.map((row) => row.id));
}

// Served by a scan of background_jobs_processing_idx (partial: PROCESSING rows only, so tiny). The attempt the dead worker used stays counted; when it was the
// last one the job is FAILED rather than retried, so a job that kills its process every time cannot loop forever.
// SKIP LOCKED: two workers sweeping at once split the rows instead of queueing behind each other.
const RECLAIM_EXPIRED = `
  with expired as materialized (
    select id from background_jobs
     where status = 'PROCESSING' and locked_until < now()
     limit $1
     for update skip locked
  )
  update background_jobs j
     set status = case when j.attempts >= j.max_attempts then 'FAILED' else 'PENDING' end,
         run_at = now(), updated_at = now(),
         completed_at = case when j.attempts >= j.max_attempts then now() else j.completed_at end,
         last_error = 'Lease expired: the worker ' || coalesce(j.locked_by, '?') || ' stopped renewing it (crashed or froze) during attempt ' || j.attempts,
         ${appendAttempt('j', `'lease-lost'`)},
         locked_by = null, locked_until = null, lock_token = null
    from expired e
   where j.id = e.id
  returning j.id::text as id, j.status, j.job_id, j.event_name, j.attempts, j.last_error`;

export interface ReclaimedJob {
  id: string;
  status: 'PENDING' | 'FAILED';
  job_id: string;
  event_name: string;
  /** Attempts used, the dead worker's included. */
  attempts: number;
  last_error: string;
}

export function reclaimExpiredJobs(sql: SqlExecutor, limit = 1000): Promise<ReclaimedJob[]> {
  return sql.query<ReclaimedJob>(RECLAIM_EXPIRED, [limit], 'jobs_reclaim');
}
