// A migrated throwaway database per measurement, dropped afterwards (also when the measurement throws).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateDatabase } from '../../src/db/migrate';
import { openNodePostgres } from '../../src/db/drivers/node-postgres';
import type { DatabaseHandle } from '../../src/db/client';
import { withDatabase } from '../lib/config';

export async function withScratchDatabase<T>(adminUrl: string, run: (handle: DatabaseHandle, url: string) => Promise<T>): Promise<T> {
  const name = `bench_domain_${randomBytes(4).toString('hex')}`;
  await admin(adminUrl, `create database "${name}"`);
  const url = withDatabase(adminUrl, name);
  const handle = openNodePostgres(url, { poolSize: 10 });
  try {
    await migrateDatabase(handle);
    return await run(handle, url);
  } finally {
    await handle.close();
    await admin(adminUrl, `drop database if exists "${name}" with (force)`);
  }
}

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
