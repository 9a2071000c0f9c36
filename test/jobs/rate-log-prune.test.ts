// The throttle and rate-limit log is pruned with the retention sweep: an entry goes once it is older than its
// definition's period; an entry no current rule names (its definition removed, or its limit taken away) is kept for
// the orphan window a rolling deploy needs, then goes too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneRateLog } from '../../src/jobs/providers/local/sql/admit-rate-limited';
import { createTestDatabase, type TestDatabase, type TestDriver } from '../helpers/database';

describe.each(['postgres', 'pglite'] as TestDriver[])('rate log pruning: %s', (driver) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(driver);
  });
  afterAll(() => database.drop());

  const HOUR = 3_600_000;

  it('drops entries past their period, and entries of no current rule past the orphan window', async () => {
    const { sql } = database.handle;
    await sql.query(
      `insert into background_job_rate_log (job_id, kind, rate_key, at)
       select job_id, kind, label, now() - age_ms * interval '1 millisecond'
         from unnest($1::text[], $2::text[], $3::text[], $4::float8[]) as t(job_id, kind, label, age_ms)`,
      [
        ['email-queue', 'email-queue', 'webhook', 'removed', 'removed', 'email-queue'],
        ['start', 'start', 'accept', 'start', 'start', 'accept'],
        ['throttle, past its 1 s period', 'throttle, within', 'rate limit, within its hour', 'orphan, past the window', 'orphan, within the window', 'throttle rule gone, rate limit only: orphan within'],
        [5_000, 100, HOUR / 2, 8 * 24 * HOUR, 2 * HOUR, 2 * HOUR],
      ],
    );
    const deleted = await pruneRateLog(
      database.handle.db,
      [
        { jobId: 'email-queue', kind: 'start', periodMs: 1_000 },
        { jobId: 'webhook', kind: 'accept', periodMs: HOUR },
      ],
      7 * 24 * HOUR,
    );
    const left = await sql.query<{ rate_key: string }>(`select rate_key from background_job_rate_log order by rate_key`);
    expect(left.map((row) => row.rate_key)).toEqual([
      'orphan, within the window',
      'rate limit, within its hour',
      'throttle rule gone, rate limit only: orphan within',
      'throttle, within',
    ]);
    expect(deleted).toBe(2);
  });
});
