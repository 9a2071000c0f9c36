import { afterAll, describe, expect, it } from 'vitest';
import { chooseDriver, openDatabase } from '../../src/db/client';
import { createTestDatabase } from '../helpers/database';

describe('chooseDriver', () => {
  it('uses embedded PGlite when no database URL is configured', () => {
    expect(chooseDriver({ kind: 'embedded', dataDir: '.data/pglite' }, { isVercel: false })).toBe('pglite');
  });

  it('uses node-postgres for a postgres:// URL, also on Vercel with a non-Vercel host', () => {
    expect(chooseDriver({ kind: 'postgres', url: 'postgres://u@127.0.0.1/db' }, { isVercel: false })).toBe('node-postgres');
    expect(chooseDriver({ kind: 'postgres', url: 'postgres://u@db.example.com/db' }, { isVercel: true })).toBe('node-postgres');
  });

  it('uses @vercel/postgres on Vercel with a Vercel/Neon URL', () => {
    const url = 'postgres://u:p@ep-cool-1.us-east-1.aws.neon.tech/db';
    expect(chooseDriver({ kind: 'postgres', url }, { isVercel: true })).toBe('vercel-postgres');
    expect(chooseDriver({ kind: 'postgres', url }, { isVercel: false })).toBe('node-postgres');
  });
});

describe('openDatabase', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('opens embedded PGlite once per data directory and migrates it', async () => {
    const target = { kind: 'embedded', dataDir: 'memory://driver-test' } as const;
    const first = await openDatabase(target, { isVercel: false });
    const second = await openDatabase(target, { isVercel: false });
    cleanups.push(() => first.close());
    expect(second).toBe(first);
    expect(first.driver).toBe('pglite');
    const rows = await first.sql.query<{ count: number }>(`select count(*)::int as count from background_jobs`);
    expect(rows).toEqual([{ count: 0 }]);
  });

  it('opens node-postgres for a real server and reads and writes through it', async () => {
    const database = await createTestDatabase('postgres');
    cleanups.push(() => database.drop());
    const handle = await openDatabase({ kind: 'postgres', url: database.url }, { isVercel: false });
    cleanups.push(() => handle.close());
    expect(handle.driver).toBe('node-postgres');
    await handle.sql.query(`insert into system_logs (level, source, message) values ('info', 'test', 'hello')`);
    const rows = await handle.sql.query<{ message: string }>(`select message from system_logs`);
    expect(rows).toEqual([{ message: 'hello' }]);
  });

  it('delivers NOTIFY to a listener on both drivers', async () => {
    for (const driver of ['pglite', 'postgres'] as const) {
      const database = await createTestDatabase(driver);
      cleanups.push(() => database.drop());
      const received = new Promise<string>((resolve) => {
        void database.handle.sql.listen('test_channel', (payload) => payload && resolve(payload));
      });
      // Allow the LISTEN to be registered before notifying: poll until the payload arrives.
      const timer = setInterval(() => void database.handle.sql.query(`select pg_notify('test_channel', 'ping')`), 20);
      await expect(received).resolves.toBe('ping');
      clearInterval(timer);
    }
  });
});
