// A fresh database per test file (or per test): cloned from the migrated template, dropped afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client';
import { openNodePostgres } from '../../src/db/drivers/node-postgres';
import { openPglite } from '../../src/db/drivers/pglite';
import { adminUrl, databaseUrl } from './services';

export interface TestDatabase {
  readonly url: string;
  readonly handle: DatabaseHandle;
  drop(): Promise<void>;
}

export type TestDriver = 'postgres' | 'pglite';

export async function createTestDatabase(driver: TestDriver = 'postgres', options: { poolSize?: number } = {}): Promise<TestDatabase> {
  if (driver === 'pglite') {
    const dataDir = `memory://${randomBytes(6).toString('hex')}`;
    const handle = await openPglite(dataDir);
    return { url: dataDir, handle, drop: () => handle.close() };
  }
  const name = `signing_jobs_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((admin) => admin.query(`create database "${name}" template "${inject('templateDatabase')}"`));
  const url = databaseUrl(name);
  const handle = openNodePostgres(url, { poolSize: options.poolSize ?? 10 });
  return {
    url,
    handle,
    async drop() {
      await handle.close();
      // WITH (FORCE) ends connections a killed child process may have left behind.
      await withAdmin((admin) => admin.query(`drop database if exists "${name}" with (force)`));
    },
  };
}

async function withAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
