// Enqueue: one INSERT for any number of jobs (unnest over arrays, so 10,000 rows cost one round trip and one
// plan), with dedupe by unique dedupe_key, and one NOTIFY per statement. Runs through Drizzle so it can join the
// caller's transaction: the job exists if and only if the caller's change commits (NOTIFY is delivered at commit).
import { sql } from 'drizzle-orm';
import { executeRows, type Database } from '../../../../db/client';
import { JOBS_CHANNEL } from './job-row';

export interface NewJobRow {
  jobId: string;
  eventName: string;
  payload: unknown;
  maxAttempts: number;
  delayMs: number;
  dedupeKey: string | null;
  eventId: string;
  concurrencyKey: string | null;
  priority: number;
  cancelKey: string | null;
}

/** Returns the id of each job in input order: the new row's, or for a duplicate dedupe key the existing row's. */
export async function insertJobs(db: Database, jobs: readonly NewJobRow[]): Promise<string[]> {
  if (jobs.length === 0) return [];
  const column = <T>(pick: (job: NewJobRow) => T) => sql.param(jobs.map(pick));
  if (jobs.every((job) => job.dedupeKey === null)) return insertWithoutDedupe(db, column);
  return insertWithDedupe(db, jobs, column);
}

type Column = <T>(pick: (job: NewJobRow) => T) => ReturnType<typeof sql.param>;

// The common case, every bulk enqueue: no dedupe keys, so no conflicts and nothing to join back. Rows are inserted
// in input order (ORDER BY ord), and the identity column hands out ascending ids in that order, so the returned ids
// sorted ascending are the input's ids in input order.
async function insertWithoutDedupe(db: Database, column: Column): Promise<string[]> {
  const rows = await executeRows<{ id: string }>(db, sql`
    with inserted as (
      insert into background_jobs (job_id, event_name, payload, max_attempts, run_at, event_id, concurrency_key, priority, cancel_key)
      select job_id, event_name, payload, max_attempts, now() + delay_ms * interval '1 millisecond', event_id, concurrency_key, priority, cancel_key
        from unnest(
          ${column((job) => job.jobId)}::text[],
          ${column((job) => job.eventName)}::text[],
          ${column((job) => JSON.stringify(job.payload))}::jsonb[],
          ${column((job) => job.maxAttempts)}::int[],
          ${column((job) => job.delayMs)}::float8[],
          ${column((job) => job.eventId)}::text[],
          ${column((job) => job.concurrencyKey)}::text[],
          ${column((job) => job.priority)}::int[],
          ${column((job) => job.cancelKey)}::text[]
        ) with ordinality as t(job_id, event_name, payload, max_attempts, delay_ms, event_id, concurrency_key, priority, cancel_key, ord)
       order by ord
      returning id
    ),
    notified as (select pg_notify(${JOBS_CHANNEL}, '') from inserted limit 1)
    select id::text as id, (select count(*) from notified) as notified from inserted
  `);
  return rows.map((row) => BigInt(row.id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
}

async function insertWithDedupe(db: Database, jobs: readonly NewJobRow[], column: Column): Promise<string[]> {
  const rows = await executeRows<{ id: string | null; dedupe_key: string | null }>(db, sql`
    with input as (
      -- Ids are drawn here so each input row knows its id even though RETURNING does not say which input it came from.
      select nextval(pg_get_serial_sequence('background_jobs', 'id')) as id, t.*
        from unnest(
          ${column((job) => job.jobId)}::text[],
          ${column((job) => job.eventName)}::text[],
          ${column((job) => JSON.stringify(job.payload))}::jsonb[],
          ${column((job) => job.maxAttempts)}::int[],
          ${column((job) => job.delayMs)}::float8[],
          ${column((job) => job.dedupeKey)}::text[],
          ${column((job) => job.eventId)}::text[],
          ${column((job) => job.concurrencyKey)}::text[],
          ${column((job) => job.priority)}::int[],
          ${column((job) => job.cancelKey)}::text[]
        ) with ordinality as t(job_id, event_name, payload, max_attempts, delay_ms, dedupe_key, event_id, concurrency_key, priority, cancel_key, ord)
    ),
    inserted as (
      insert into background_jobs (id, job_id, event_name, payload, max_attempts, run_at, dedupe_key, event_id, concurrency_key, priority, cancel_key)
      overriding system value
      select id, job_id, event_name, payload, max_attempts, now() + delay_ms * interval '1 millisecond', dedupe_key, event_id, concurrency_key, priority, cancel_key
        from input order by ord
      on conflict (dedupe_key) where dedupe_key is not null do nothing
      returning id
    ),
    -- Identical notifications in one transaction fold into one: one wake-up per statement, not per row.
    notified as (select pg_notify(${JOBS_CHANNEL}, '') from inserted limit 1)
    select coalesce(inserted.id, existing.id)::text as id, input.dedupe_key, (select count(*) from notified) as notified
      from input
      left join inserted on inserted.id = input.id
      left join background_jobs existing on inserted.id is null and existing.dedupe_key = input.dedupe_key
     order by input.ord
  `);
  const ids = rows.map((row) => row.id);
  // A duplicate whose first insert was still uncommitted when this statement began is not in its snapshot; ask again.
  const missing = rows.flatMap((row, index) => (row.id === null && row.dedupe_key ? [index] : []));
  if (missing.length) {
    const keys = missing.map((index) => rows[index]!.dedupe_key!);
    const found = await executeRows<{ id: string; dedupe_key: string }>(
      db,
      sql`select id::text as id, dedupe_key from background_jobs where dedupe_key = any(${sql.param(keys)}::text[])`,
    );
    const byKey = new Map(found.map((row) => [row.dedupe_key, row.id]));
    for (const index of missing) ids[index] = byKey.get(rows[index]!.dedupe_key!) ?? null;
  }
  if (ids.some((id) => id === null)) throw new Error('Enqueue could not resolve the id of a deduplicated job');
  return ids as string[];
}
