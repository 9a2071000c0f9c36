import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobMetrics } from '../../src/jobs/providers/inspection';
import { percentileOf, DURATION_BUCKETS_MS } from '../../src/jobs/providers/local/duration-histogram';
import { LocalInspector } from '../../src/jobs/providers/local/local-inspector';
import { rollUpJobStats } from '../../src/jobs/providers/local/sql/job-stats';
import { createTestDatabase, type TestDatabase, type TestDriver } from '../helpers/database';

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;

// Metrics read hourly roll-ups for the hours they cover and raw rows for the rest: the figures must be the same
// whichever way each hour is read, every job counted once, and history kept after retention deletes the rows.
describe.each(['postgres', 'pglite'] as TestDriver[])('job metrics roll-ups: %s', (driver) => {
  let database: TestDatabase;
  let inspector: LocalInspector;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    inspector = new LocalInspector(database.handle);
    // 3 days of finished jobs, one every 6 minutes (3 minutes off the hour, so no job sits on a window's edge
    // while the clock moves between two readings), two definitions; durations 10..400 ms; every 10th FAILED,
    // every 4th retried. Plus the last 10 minutes (not settled: never rolled up) and one CANCELLED (not counted).
    await database.handle.sql.query(
      `insert into background_jobs (job_id, event_name, payload, status, attempts, max_attempts, created_at, started_at, completed_at, last_error)
       select case when g % 3 = 0 then 'beta' else 'alpha' end, 'stats/test', '{}'::jsonb,
              case when g % 10 = 0 then 'FAILED' else 'COMPLETED' end, case when g % 4 = 0 then 2 else 1 end, 3,
              now() - g * interval '6 minutes' - interval '3 minutes', now() - g * interval '6 minutes' - interval '3 minutes',
              now() - g * interval '6 minutes' - interval '3 minutes' + (10 + (g * 37) % 390) * interval '1 millisecond',
              case when g % 10 = 0 then 'Error: boom' end
         from generate_series(2, 720) as g
       union all
       select 'alpha', 'stats/test', '{}'::jsonb, 'COMPLETED', 1, 3, now() - interval '1 minute', now() - interval '1 minute', now() - interval '1 minute' + interval '50 ms', null
       union all
       select 'alpha', 'stats/test', '{}'::jsonb, 'CANCELLED', 0, 3, now() - interval '2 hours', null, now() - interval '2 hours', null`,
    );
  });
  afterAll(() => database.drop());

  const comparable = (metrics: JobMetrics) => ({
    overall: metrics.overall,
    perDefinition: metrics.perDefinition,
    finishedInSeries: metrics.series.reduce((sum, bucket) => sum + bucket.completed + bucket.failed, 0),
  });

  it('gives the same figures before and after the roll-up, for every window', async () => {
    const before = await Promise.all([HOUR, 24 * HOUR, WEEK].map((windowMs) => inspector.metrics({ windowMs, buckets: 24 })));
    // Every settled hour since the oldest job's: 71 or 72 by the minute of the hour this runs at (hours settle 5 minutes
    // after they end, and the oldest job is 72 h 3 min old). The clock only moves on, so the roll-up covers at least these.
    const [settled] = await database.handle.sql.query<{ hours: number }>(
      `select (extract(epoch from date_trunc('hour', now() - interval '5 minutes') - date_trunc('hour', min(completed_at))) / 3600)::int as hours
         from background_jobs where status in ('COMPLETED', 'FAILED')`,
    );
    expect(settled!.hours).toBeGreaterThanOrEqual(71);
    const hours = await rollUpJobStats(database.handle.sql);
    expect(hours).toBeGreaterThanOrEqual(settled!.hours);
    const after = await Promise.all([HOUR, 24 * HOUR, WEEK].map((windowMs) => inspector.metrics({ windowMs, buckets: 24 })));
    expect(after.map(comparable)).toEqual(before.map(comparable));
    // 719 jobs of the 3 days + the recent one; the CANCELLED one is not a finished run.
    const week = after[2]!;
    expect(week.overall.completed + week.overall.failed).toBe(720);
    expect(week.overall.failed).toBe(72);
    expect(week.perDefinition.map((row) => row.definition)).toEqual(['alpha', 'beta']);
    expect(week.overall.retryRate).toBeCloseTo(week.overall.retried / 720, 10);
  });

  it('rolls up nothing twice, also when two schedulers tick at once', async () => {
    const before = comparable(await inspector.metrics({ windowMs: WEEK }));
    expect(await Promise.all([rollUpJobStats(database.handle.sql), rollUpJobStats(database.handle.sql)])).toEqual([0, 0]);
    expect(comparable(await inspector.metrics({ windowMs: WEEK }))).toEqual(before);
    const [rolled] = await database.handle.sql.query<{ hours: number }>(`select count(*)::int as hours from background_job_stats`);
    expect(rolled!.hours).toBeGreaterThan(0);
  });

  it('keeps counting rolled-up hours after their jobs are deleted (retention)', async () => {
    const before = await inspector.metrics({ windowMs: WEEK });
    await database.handle.sql.query(`delete from background_jobs where completed_at < now() - interval '30 hours'`);
    const after = await inspector.metrics({ windowMs: WEEK });
    expect(after.overall.completed + after.overall.failed).toBe(before.overall.completed + before.overall.failed);
  });

  it('reads p95 from the histogram within 12% of the exact value', () => {
    const durations = Array.from({ length: 1000 }, (_, index) => 5 + ((index * 7919) % 2000));
    const histogram = new Map<number, number>();
    for (const duration of durations) {
      // width_bucket's 1-based index: the last lower bound not above the value.
      const bucket = DURATION_BUCKETS_MS.findLastIndex((bound) => bound <= duration) + 1;
      histogram.set(bucket, (histogram.get(bucket) ?? 0) + 1);
    }
    const exact = [...durations].sort((a, b) => a - b)[Math.ceil(0.95 * durations.length) - 1]!;
    const estimate = percentileOf(histogram, 0.95)!;
    expect(Math.abs(estimate - exact) / exact).toBeLessThan(0.12);
    expect(percentileOf(new Map(), 0.95)).toBeNull();
  });
});
