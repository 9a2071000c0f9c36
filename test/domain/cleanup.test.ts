// The cleanups against real databases: batched deletes that stop at the cutoff, purges with exact counts, and the
// cross-process lock that keeps two cleanups from running at once, on PostgreSQL and on PGlite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExclusive } from '../../src/db/exclusive';
import { deleteOldLogs } from '../../src/domain/cleanup/delete-old-logs';
import { createTestDatabase, type TestDatabase, type TestDriver } from '../helpers/database';

describe.each<TestDriver>(['postgres', 'pglite'])('cleanup on %s', (driver) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(driver);
  });
  afterAll(() => database.drop());

  it('deletes only rows older than the cutoff, in batches, until none are left', async () => {
    const sql = database.handle.sql;
    await sql.query(`insert into audit_logs (type, created_at) select 'old', timestamptz '2026-01-01' - n * interval '1 minute' from generate_series(1, 23) n`);
    await sql.query(`insert into audit_logs (type, created_at) select 'new', timestamptz '2026-01-01' + n * interval '1 minute' from generate_series(0, 4) n`);
    const deleted = await deleteOldLogs(database.handle.db, { table: 'audit_logs', before: new Date('2026-01-01T00:00:00Z'), batchSize: 5 });
    expect(deleted).toBe(23);
    expect(await sql.query(`select type from audit_logs`)).toEqual(Array(5).fill({ type: 'new' }));
  });

  it('runs an exclusive task in one place at a time, and frees the lock when the task ends or fails', async () => {
    const exclusive = createExclusive(database.handle);
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const holding = exclusive('cleanup', () => {
      started();
      return new Promise<string>((resolve) => (release = () => resolve('done')));
    });
    await running;
    expect(await exclusive('cleanup', async () => 'second')).toEqual({ acquired: false });
    expect(await createExclusive(database.handle)('another-task', async () => 'other')).toEqual({ acquired: true, result: 'other' });
    release();
    expect(await holding).toEqual({ acquired: true, result: 'done' });
    await expect(exclusive('cleanup', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await exclusive('cleanup', async () => 'again')).toEqual({ acquired: true, result: 'again' });
  });
});
