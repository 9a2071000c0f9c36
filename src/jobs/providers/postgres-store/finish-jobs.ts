// Completion and failure of a background_jobs row, shared by the local provider and BullMQ's anchor rows. Each
// statement matches (id, lock_token): a worker whose lease lapsed and whose job was claimed again holds an old
// token, so its late writes change nothing (fencing). The returned ids say which writes took effect.
import type { SqlExecutor } from '../../../db/client';

// Completions are written in batches: one UPDATE for every job that finished since the last flush, joined
// against unnest() so the plan is a nested loop over primary-key lookups.
const COMPLETE_JOBS = `
  update background_jobs j
     set status = 'COMPLETED', completed_at = now(), updated_at = now(),
         locked_by = null, locked_until = null, lock_token = null, last_error = null
    from unnest($1::bigint[], $2::uuid[]) as done(id, token)
   where j.id = done.id and j.lock_token = done.token
  returning j.id::text as id`;

export async function completeJobs(sql: SqlExecutor, jobs: ReadonlyArray<{ id: string; lockToken: string }>): Promise<Set<string>> {
  if (jobs.length === 0) return new Set();
  const rows = await sql.query<{ id: string }>(
    COMPLETE_JOBS,
    [jobs.map((job) => job.id), jobs.map((job) => job.lockToken)],
    'jobs_complete',
  );
  return new Set(rows.map((row) => row.id));
}

// A failed attempt: back to PENDING at a later run_at (retry), or FAILED for good. The delay is relative to the
// database clock, which every instance shares.
const FAIL_JOB = `
  update background_jobs
     set status = case when $3 then 'FAILED' else 'PENDING' end,
         run_at = case when $3 then run_at else now() + $4 * interval '1 millisecond' end,
         last_error = $5, updated_at = now(), locked_by = null, locked_until = null, lock_token = null
   where id = $1 and lock_token = $2
  returning id::text as id`;

export async function failJob(
  sql: SqlExecutor,
  job: { id: string; lockToken: string },
  outcome: { final: boolean; retryDelayMs: number; error: string },
): Promise<boolean> {
  const rows = await sql.query(FAIL_JOB, [job.id, job.lockToken, outcome.final, outcome.retryDelayMs, outcome.error], 'jobs_fail');
  return rows.length === 1;
}

