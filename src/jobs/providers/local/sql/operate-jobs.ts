// The inspector's writes: an operator's retry, cancel and prune. Each reads the row's state in the same statement
// that changes it and re-checks the status on the updated row itself, so a worker claiming the job at the same
// moment wins cleanly (the UPDATE waits for the claim's row lock, re-evaluates `j.status`, and changes nothing).
import type { SqlExecutor } from '../../../../db/client';
import type { JobStatus } from '../../../../db/schema/jobs';
import { JOBS_CHANNEL } from './job-row';

// FAILED -> PENDING, due now, with fresh attempts (attempts = 0 against the same max_attempts). Step memos stay:
// completed steps are not run again. attempt_history keeps the failed attempts; the NOTIFY wakes idle workers.
const RETRY_SET = `
  set status = 'PENDING', attempts = 0, run_at = now(), last_error = null, completed_at = null, updated_at = now()`;

const RETRY_JOB = `
  with target as (select id, status from background_jobs where id = $1),
  retried as (
    update background_jobs j ${RETRY_SET}
      from target where j.id = target.id and j.status = 'FAILED'
    returning j.id
  ),
  notified as (select pg_notify('${JOBS_CHANNEL}', '') from retried)
  select (select status from target) as previous, (select count(*)::int from retried) as changed, (select count(*)::int from notified) as notified`;

export interface StateChange {
  /** The row's status before, or null when there is no such job. */
  previous: JobStatus | null;
  changed: number;
}

export async function retryJobRow(sql: SqlExecutor, id: string): Promise<StateChange> {
  return (await sql.query<StateChange>(RETRY_JOB, [id]))[0]!;
}

// One batch of retry-failed, in id order after `after` (keyset: each FAILED row is visited once, even if it fails
// again before the run ends). background_jobs_failed_idx; SKIP LOCKED leaves rows someone else is changing.
const RETRY_FAILED_BATCH = `
  with batch as materialized (
    select id from background_jobs
     where status = 'FAILED' and id > $1
       and ($2::text is null or job_id = $2)
       and ($3::bigint is null or id = $3)
       and ($4::timestamptz is null or created_at >= $4)
     order by id
     limit $5
     for update skip locked
  ),
  retried as (update background_jobs j ${RETRY_SET} from batch where j.id = batch.id returning j.id),
  notified as (select pg_notify('${JOBS_CHANNEL}', '') from retried limit 1)
  select (select count(*)::int from batch) as seen, (select max(id)::text from batch) as last,
         (select count(*)::int from retried) as retried, (select count(*)::int from notified) as notified`;

export async function retryFailedBatch(
  sql: SqlExecutor,
  query: { after: string; definition: string | null; id: string | null; createdSince: Date | null; limit: number },
): Promise<{ seen: number; last: string | null; retried: number }> {
  const rows = await sql.query<{ seen: number; last: string | null; retried: number }>(RETRY_FAILED_BATCH, [
    query.after,
    query.definition,
    query.id,
    query.createdSince?.toISOString() ?? null,
    query.limit,
  ]);
  return rows[0]!;
}

// Only PENDING jobs (a sleeping job is PENDING with a future run_at): a running job cannot be stopped from here.
// completed_at marks when it finished, as for the other final states (prune, metrics).
const CANCEL_JOB = `
  with target as (select id, status from background_jobs where id = $1),
  cancelled as (
    update background_jobs j
       set status = 'CANCELLED', cancel_reason = $2, completed_at = now(), updated_at = now()
      from target where j.id = target.id and j.status = 'PENDING'
    returning j.id
  )
  select (select status from target) as previous, (select count(*)::int from cancelled) as changed`;

export async function cancelJobRow(sql: SqlExecutor, id: string, reason: string): Promise<StateChange> {
  return (await sql.query<StateChange>(CANCEL_JOB, [id, reason]))[0]!;
}

// Finished jobs (and their memos, deleted by the trigger of migration 0015) older than a date, oldest first in batches, through
// background_jobs_finished_idx; SKIP LOCKED so a prune never waits on, or blocks, anyone.
const PRUNE_BATCH = `
  with doomed as materialized (
    select id from background_jobs
     where status in ('COMPLETED', 'FAILED', 'CANCELLED') and completed_at < $1
     order by completed_at
     limit $2
     for update skip locked
  ),
  deleted as (delete from background_jobs j using doomed where j.id = doomed.id returning 1)
  select count(*)::int as n from deleted`;

export async function pruneBatch(sql: SqlExecutor, before: Date, limit: number): Promise<number> {
  return (await sql.query<{ n: number }>(PRUNE_BATCH, [before.toISOString(), limit]))[0]?.n ?? 0;
}

/** What a replay copies from a finished job. */
export interface ReplaySource {
  status: JobStatus;
  job_id: string;
  event_name: string;
  payload: unknown;
  max_attempts: number;
  concurrency_key: string | null;
  priority: number;
  cancel_key: string | null;
}

export async function replaySource(sql: SqlExecutor, id: string): Promise<ReplaySource | undefined> {
  const rows = await sql.query<ReplaySource>(
    `select status, job_id, event_name, payload, max_attempts, concurrency_key, priority, cancel_key from background_jobs where id = $1`,
    [id],
  );
  return rows[0];
}
