// Completion and failure. Each statement matches (id, lock_token): a worker whose lease lapsed and whose job was
// claimed again holds an old token, so its late writes change nothing (fencing). The returned ids say which
// writes took effect.
import type { SqlExecutor } from '../../../../db/client';

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

// step.sleep: the job waits as PENDING until run_at; the attempt it used is given back, since sleeping is not
// failing. Its memos stay, so on wake-up the handler replays to the sleep and continues.
const PARK_JOB = `
  update background_jobs
     set status = 'PENDING', run_at = now() + $3 * interval '1 millisecond', attempts = attempts - 1,
         updated_at = now(), locked_by = null, locked_until = null, lock_token = null
   where id = $1 and lock_token = $2
  returning id::text as id`;

export async function parkJob(sql: SqlExecutor, job: { id: string; lockToken: string }, delayMs: number): Promise<boolean> {
  const rows = await sql.query(PARK_JOB, [job.id, job.lockToken, delayMs], 'jobs_park');
  return rows.length === 1;
}

// Graceful shutdown: jobs still running when the timeout ends go back to PENDING at once, their attempt given
// back (the process chose to stop; the job did not fail). Completed steps stay memoized.
const RELEASE_JOBS = `
  update background_jobs j
     set status = 'PENDING', run_at = now(), attempts = j.attempts - 1, updated_at = now(),
         locked_by = null, locked_until = null, lock_token = null
    from unnest($1::bigint[], $2::uuid[]) as held(id, token)
   where j.id = held.id and j.lock_token = held.token
  returning j.id::text as id`;

export async function releaseJobs(sql: SqlExecutor, jobs: ReadonlyArray<{ id: string; lockToken: string }>): Promise<number> {
  if (jobs.length === 0) return 0;
  const rows = await sql.query(RELEASE_JOBS, [jobs.map((job) => job.id), jobs.map((job) => job.lockToken)]);
  return rows.length;
}
