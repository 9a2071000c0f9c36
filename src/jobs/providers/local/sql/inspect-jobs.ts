// The inspector's reads over background_jobs / background_job_tasks (operators' views, not the hot path). Each
// query names the index serving it; filters are `$n is null or …` so one text serves every combination (the
// drivers plan unnamed statements with the values known, so the null tests fold away and partial indexes apply).
import type { SqlExecutor } from '../../../../db/client';
import type { JobStatus } from '../../../../db/schema/jobs';

export interface JobRow {
  id: string;
  job_id: string;
  event_name: string;
  status: JobStatus;
  attempts: number;
  max_attempts: number;
  priority: number;
  created_at: Date;
  run_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  duration_ms: number | null;
  last_error: string | null;
}

const SUMMARY_COLUMNS = `
  id::text as id, job_id, event_name, status, attempts, max_attempts, priority, created_at, run_at, started_at, completed_at,
  case when status in ('COMPLETED', 'FAILED') and completed_at is not null and started_at is not null
       then greatest(0, round(extract(epoch from completed_at - started_at) * 1000))::float8 end as duration_ms,
  last_error`;

export interface ListQuery {
  status: JobStatus | null;
  definition: string | null;
  id: string | null;
  createdSince: Date | null;
  /** Only ids below this (keyset: the last id of the previous page). */
  before: string | null;
  limit: number;
}

// Newest first = id descending (identity ids ascend with inserts): the primary key walked backwards, stopping at
// the limit; with status FAILED, background_jobs_failed_idx; PENDING/PROCESSING, their partial indexes.
// The order names the table's column: a bare `id` would be the output column `id::text`, sorting "9" above "61".
const LIST_JOBS = `
  select ${SUMMARY_COLUMNS}
    from background_jobs
   where ($1::text is null or status = $1)
     and ($2::text is null or job_id = $2)
     and ($3::bigint is null or id = $3)
     and ($4::timestamptz is null or created_at >= $4)
     and ($5::bigint is null or id < $5)
   order by background_jobs.id desc
   limit $6`;

export function listJobRows(sql: SqlExecutor, query: ListQuery): Promise<JobRow[]> {
  return sql.query<JobRow>(LIST_JOBS, [query.status, query.definition, query.id, query.createdSince?.toISOString() ?? null, query.before, query.limit]);
}

export interface JobDetailRow extends JobRow {
  payload: unknown;
  event_id: string | null;
  result: unknown;
  attempt_history: unknown;
  cancel_reason: string | null;
}

export async function getJobRow(sql: SqlExecutor, id: string): Promise<JobDetailRow | undefined> {
  const rows = await sql.query<JobDetailRow>(
    `select ${SUMMARY_COLUMNS}, payload, event_id, result, attempt_history, cancel_reason from background_jobs where id = $1`,
    [id],
  );
  return rows[0];
}

// Jobs per status now, each from a partial index (one snapshot): PENDING, PROCESSING, FAILED and CANCELLED from
// their own, COMPLETED as every finished row (background_jobs_finished_idx, index-only) less FAILED and CANCELLED.
// A GROUP BY would read the whole table: a quarter of a second at a million rows.
const COUNT_JOBS = `
  select (select count(*) from background_jobs where status = 'PENDING')::int as pending,
         (select count(*) from background_jobs where status = 'PROCESSING')::int as processing,
         (select count(*) from background_jobs where status = 'FAILED')::int as failed,
         (select count(*) from background_jobs where status = 'CANCELLED')::int as cancelled,
         (select count(*) from background_jobs where status in ('COMPLETED', 'FAILED', 'CANCELLED'))::int as finished`;

export async function countJobRows(sql: SqlExecutor): Promise<Record<JobStatus, number>> {
  const [row] = await sql.query<{ pending: number; processing: number; failed: number; cancelled: number; finished: number }>(COUNT_JOBS);
  const { pending, processing, failed, cancelled, finished } = row!;
  return { PENDING: pending, PROCESSING: processing, COMPLETED: finished - failed - cancelled, FAILED: failed, CANCELLED: cancelled };
}

// Due PENDING jobs through background_jobs_pending_run_at_idx; lapsed leases through background_jobs_processing_idx
// (BullMQ anchors hold an 'infinity' lease, so they never count as stuck).
const QUEUE_HEALTH = `
  select count(*)::int as depth,
         (extract(epoch from now() - min(run_at)) * 1000)::float8 as oldest_ms,
         (select count(*)::int from background_jobs where status = 'PROCESSING' and locked_until < now()) as stuck
    from background_jobs
   where status = 'PENDING' and run_at <= now()`;

export async function queueHealthRow(sql: SqlExecutor): Promise<{ depth: number; oldest_ms: number | null; stuck: number }> {
  return (await sql.query<{ depth: number; oldest_ms: number | null; stuck: number }>(QUEUE_HEALTH))[0]!;
}

/** Jobs by dedupe key (cron slots are deduped by `cronSlotKey`): background_jobs_dedupe_key_key. */
export function jobsByDedupeKey(sql: SqlExecutor, keys: readonly string[]): Promise<Array<{ dedupe_key: string; id: string; status: JobStatus }>> {
  return sql.query(`select dedupe_key, id::text as id, status from background_jobs where dedupe_key = any($1::text[])`, [keys]);
}
