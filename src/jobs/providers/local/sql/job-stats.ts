// Metrics over finished jobs: hourly roll-ups (background_job_stats) for the hours they cover, raw rows
// (background_jobs_finished_idx, a completed_at range) for the rest of the window. A window [s, now] splits at
// r0 = s rounded up to the hour and r1 = the roll-ups' reach (never before r0):
//   raw [s, r0) + roll-ups [r0, r1) + raw [r1, now]
// With no roll-ups (a database whose scheduler never ticked) r1 = r0 and everything is raw: slower, still exact.
import type { SqlExecutor, SqlClient } from '../../../../db/client';
import { DURATION_BUCKETS_SQL } from '../duration-histogram';

/** Hours end this long before they are rolled up: completions commit after their completed_at (batched writes). */
const SETTLE = `interval '5 minutes'`;
/** Hours rolled up per statement: a catch-up after a long pause goes in bounded steps. */
const HOURS_PER_ROLL_UP = 24;

/** Rows of jobs that finished (CANCELLED jobs never ran to an end: not counted). `j` is a table alias with its dot. */
const finished = (j = '') => `${j}status in ('COMPLETED', 'FAILED')`;
const durationMs = (j = '') => `case when ${j}started_at is not null then greatest(0, extract(epoch from ${j}completed_at - ${j}started_at) * 1000) end`;

// First roll-up: start at the hour of the oldest finished job, so the history already there is counted too.
const START_PROGRESS = `
  insert into background_job_stats_progress (id, rolled_up_to)
  select 1, coalesce(date_trunc('hour', min(completed_at)), date_trunc('hour', now() - ${SETTLE}))
    from background_jobs where ${finished()}
  on conflict (id) do nothing`;

// The common case, every scheduler tick within an hour: nothing settled since the last roll-up. One read says so,
// without the first-run insert or the progress row's transaction. No progress row yet: due.
const ROLL_UP_DUE = `
  select coalesce((select rolled_up_to < date_trunc('hour', now() - ${SETTLE}) from background_job_stats_progress where id = 1), true) as due`;

const LOCK_PROGRESS = `
  select rolled_up_to as from_at,
         least(date_trunc('hour', now() - ${SETTLE}), rolled_up_to + interval '${HOURS_PER_ROLL_UP} hours') as to_at
    from background_job_stats_progress where id = 1 for update`;

const ROLL_UP = `
  with finished as (
    select date_trunc('hour', completed_at) as hour, job_id, status, attempts, ${durationMs()} as duration_ms
      from background_jobs
     where ${finished()} and completed_at >= $1 and completed_at < $2
  ),
  per_bucket as (
    select hour, job_id, width_bucket(duration_ms, ${DURATION_BUCKETS_SQL}) as bucket, count(*) as n
      from finished where duration_ms is not null group by 1, 2, 3
  ),
  histograms as (select hour, job_id, jsonb_object_agg(bucket::text, n) as histogram from per_bucket group by 1, 2)
  insert into background_job_stats (hour, job_id, completed, failed, retried, duration_sum_ms, duration_count, duration_histogram)
  select t.hour, t.job_id, t.completed, t.failed, t.retried, t.duration_sum_ms, t.duration_count, coalesce(h.histogram, '{}'::jsonb)
    from (select hour, job_id,
                 count(*) filter (where status = 'COMPLETED')::int as completed,
                 count(*) filter (where status = 'FAILED')::int as failed,
                 count(*) filter (where attempts > 1)::int as retried,
                 coalesce(sum(duration_ms), 0)::float8 as duration_sum_ms,
                 count(duration_ms)::int as duration_count
            from finished group by 1, 2) t
    left join histograms h using (hour, job_id)`;

/**
 * Rolls up every settled hour not yet counted; returns how many hours it covered. Concurrent callers (several
 * schedulers) queue on the progress row, so no hour is counted twice.
 */
export async function rollUpJobStats(sql: SqlClient): Promise<number> {
  const [check] = await sql.query<{ due: boolean }>(ROLL_UP_DUE, [], 'job_stats_due');
  if (!check?.due) return 0;
  await sql.query(START_PROGRESS, [], 'job_stats_start');
  let hours = 0;
  for (;;) {
    const covered = await sql.transaction(async (tx) => {
      const [range] = await tx.query<{ from_at: Date; to_at: Date }>(LOCK_PROGRESS);
      if (!range || new Date(range.to_at) <= new Date(range.from_at)) return 0;
      await tx.query(ROLL_UP, [range.from_at, range.to_at]);
      await tx.query(`update background_job_stats_progress set rolled_up_to = $1 where id = 1`, [range.to_at]);
      return (new Date(range.to_at).getTime() - new Date(range.from_at).getTime()) / 3_600_000;
    });
    hours += covered;
    if (covered < HOURS_PER_ROLL_UP) return hours;
  }
}

// The window's split points, computed once per statement (one now()).
const BOUNDS = `
  bounds as (
    select s, r0, greatest(r0, least(coalesce((select rolled_up_to from background_job_stats_progress where id = 1), r0), now())) as r1
      from (select s, date_trunc('hour', s) + case when date_trunc('hour', s) = s then interval '0' else interval '1 hour' end as r0
              from (select now() - $1 * interval '1 millisecond' as s) w) b
  ),
  raw as (
    -- Two ranges, not one with an OR: each is its own scan of background_jobs_finished_idx.
    select j.job_id, j.status, j.attempts, j.completed_at, ${durationMs('j.')} as duration_ms
      from background_jobs j, bounds
     where ${finished('j.')} and j.completed_at >= bounds.s and j.completed_at < bounds.r0
    union all
    select j.job_id, j.status, j.attempts, j.completed_at, ${durationMs('j.')} as duration_ms
      from background_jobs j, bounds
     where ${finished('j.')} and j.completed_at >= bounds.r1
  ),
  rolled as (
    select st.* from background_job_stats st, bounds where st.hour >= bounds.r0 and st.hour < bounds.r1
  )`;

export interface DefinitionTotalsRow {
  definition: string;
  completed: number;
  failed: number;
  retried: number;
  duration_sum_ms: number;
  duration_count: number;
}

const TOTALS = `
  with ${BOUNDS}
  select job_id as definition, sum(completed)::int as completed, sum(failed)::int as failed, sum(retried)::int as retried,
         sum(duration_sum_ms)::float8 as duration_sum_ms, sum(duration_count)::int as duration_count
    from (select job_id, count(*) filter (where status = 'COMPLETED') as completed, count(*) filter (where status = 'FAILED') as failed,
                 count(*) filter (where attempts > 1) as retried, coalesce(sum(duration_ms), 0) as duration_sum_ms, count(duration_ms) as duration_count
            from raw group by job_id
          union all
          select job_id, completed, failed, retried, duration_sum_ms, duration_count from rolled) parts
   group by job_id
   order by job_id`;

export function definitionTotalsRows(sql: SqlExecutor, windowMs: number): Promise<DefinitionTotalsRow[]> {
  return sql.query<DefinitionTotalsRow>(TOTALS, [windowMs]);
}

const HISTOGRAMS = `
  with ${BOUNDS}
  select job_id as definition, bucket, sum(n)::int as n
    from (select job_id, width_bucket(duration_ms, ${DURATION_BUCKETS_SQL}) as bucket, count(*) as n
            from raw where duration_ms is not null group by 1, 2
          union all
          select job_id, entry.key::int, entry.value::int from rolled, jsonb_each_text(rolled.duration_histogram) as entry) parts
   group by 1, 2`;

export function durationHistogramRows(sql: SqlExecutor, windowMs: number): Promise<Array<{ definition: string; bucket: number; n: number }>> {
  return sql.query(HISTOGRAMS, [windowMs]);
}

// Completions and failures per bucket of the window; a rolled-up hour counts in the bucket holding its middle (the
// chart's resolution for long windows is the hour).
const SERIES = `
  with ${BOUNDS}
  select least($2 - 1, greatest(0, floor(extract(epoch from at - bounds.s) * 1000 / ($1::float8 / $2))))::int as bucket,
         sum(completed)::int as completed, sum(failed)::int as failed, min(bounds.s) as window_start
    from (select completed_at as at, (status = 'COMPLETED')::int as completed, (status = 'FAILED')::int as failed from raw
          union all
          select hour + interval '30 minutes', completed, failed from rolled) parts, bounds
   group by 1
   order by 1`;

export async function seriesRows(
  sql: SqlExecutor,
  windowMs: number,
  buckets: number,
): Promise<{ start: Date; rows: Array<{ bucket: number; completed: number; failed: number }> }> {
  const rows = await sql.query<{ bucket: number; completed: number; failed: number; window_start: Date }>(SERIES, [windowMs, buckets]);
  // The window's start comes from the same statement as the buckets (one now()); an empty window asks the clock.
  const start = rows[0]?.window_start ?? (await sql.query<{ start: Date }>(`select now() - $1 * interval '1 millisecond' as start`, [windowMs]))[0]!.start;
  return { start: new Date(start), rows };
}
