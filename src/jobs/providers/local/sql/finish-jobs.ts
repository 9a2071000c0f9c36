// Parking (step.sleep) and release at shutdown. Each statement matches (id, lock_token), so a worker whose lease
// lapsed changes nothing (fencing). Completion and failure, shared with BullMQ's anchor rows, are in
// ../../postgres-store/finish-jobs.ts.
import type { SqlExecutor } from '../../../../db/client';
import { appendAttempt } from '../../postgres-store/attempt-record';

// step.sleep: the job waits as PENDING until run_at; the attempt it used is given back, since sleeping is not
// failing. Its memos stay, so on wake-up the handler replays to the sleep and continues.
const PARK_JOB = `
  update background_jobs j
     set status = 'PENDING', run_at = now() + $3 * interval '1 millisecond', attempts = j.attempts - 1,
         updated_at = now(), locked_by = null, locked_until = null, lock_token = null,
         ${appendAttempt('j', `'sleep'`)}
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
