// Embedded PostgreSQL (PGlite, WebAssembly) for a bare machine. One instance per data directory per process:
// PGlite is single-connection, and Next's dev server re-evaluates modules on reload, so the instance lives on
// globalThis and every reload reuses it instead of opening the directory twice.
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import type { Database, DatabaseHandle, SqlClient } from '../client';
import * as schema from '../schema';
import { migrateDatabase } from '../migrate';
import { lockDataDir } from './pglite-lock';

const registry = ((globalThis as { __embeddedDatabases?: Map<string, Promise<DatabaseHandle>> }).__embeddedDatabases ??=
  new Map());

/** Opens (once per process) and migrates the embedded database in `dataDir`; `memory://` keeps it in memory. */
export function openPglite(dataDir: string): Promise<DatabaseHandle> {
  let handle = registry.get(dataDir);
  if (!handle) {
    handle = createHandle(dataDir);
    registry.set(dataDir, handle);
    handle.catch(() => registry.delete(dataDir));
  }
  return handle;
}

async function createHandle(dataDir: string): Promise<DatabaseHandle> {
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) await mkdir(dataDir, { recursive: true });
  // Before PGlite reads a file: another process's copy must not be opened, nor later overwritten by ours.
  const unlock = inMemory ? async () => {} : await lockDataDir(dataDir);
  const client = await PGlite.create(inMemory ? undefined : dataDir).catch(async (error: unknown) => {
    await unlock();
    throw error;
  });
  const db = drizzle(client, { schema }) as unknown as Database;
  const sql: SqlClient = {
    driver: 'pglite',
    async query<Row>(text: string, params?: readonly unknown[]) {
      const result = await client.query<Row>(text, params as unknown[] | undefined);
      return result.rows;
    },
    transaction(fn) {
      return client.transaction((tx) =>
        fn({
          async query<Row>(text: string, params?: readonly unknown[]) {
            return (await tx.query<Row>(text, params as unknown[] | undefined)).rows;
          },
        }),
      );
    },
    get relaxed() {
      return sql;
    },
    async listen(channel, onNotify) {
      const unsubscribe = await client.listen(channel, onNotify);
      return async () => unsubscribe();
    },
  };
  const handle: DatabaseHandle = {
    driver: 'pglite',
    db,
    sql,
    async close() {
      registry.delete(dataDir);
      await client.close();
      await unlock();
    },
  };
  // A failed migration must not leave the directory locked for the rest of the process's life.
  await migrateDatabase(handle).catch(async (error: unknown) => {
    await handle.close().catch(() => {});
    throw error;
  });
  return handle;
}
