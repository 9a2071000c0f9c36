// Applies the committed drizzle-kit migrations in drizzle/, and says which of them a database still lacks.
// Migrators on a shared server are serialized by an advisory lock, so several instances starting at once cannot
// apply the same migration twice.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DatabaseHandle } from './client';

/** Key of the session advisory lock held while migrating ("SIGN" in ASCII). */
export const MIGRATION_LOCK_KEY = 0x5349474e;

export function migrationsFolder(): string {
  return path.resolve(process.cwd(), 'drizzle');
}

export async function migrateDatabase(handle: DatabaseHandle, folder = migrationsFolder()): Promise<void> {
  const config = { migrationsFolder: folder };
  switch (handle.driver) {
    case 'pglite': {
      // PGlite is single-connection and single-process: nothing else can migrate concurrently.
      const { migrate } = await import('drizzle-orm/pglite/migrator');
      await migrate(handle.db as never, config);
      return;
    }
    case 'node-postgres': {
      const { migrate } = await import('drizzle-orm/node-postgres/migrator');
      await withAdvisoryLock(handle, () => migrate(handle.db as never, config));
      return;
    }
    case 'vercel-postgres': {
      // Vercel starts many function instances at once, each migrating on start: the same lock serializes them.
      const { migrate } = await import('drizzle-orm/vercel-postgres/migrator');
      await withAdvisoryLock(handle, () => migrate(handle.db as never, config));
      return;
    }
  }
}

async function withAdvisoryLock(handle: DatabaseHandle, run: () => Promise<void>): Promise<void> {
  // The lock is held by one pooled connection (in a transaction, so it is released even if the process dies)
  // while drizzle's migrator runs on another; a second migrator waits here, then finds nothing left to apply.
  await handle.sql.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await run();
  });
}

interface JournalEntry {
  tag: string;
  when: number;
}

/**
 * The tags of the migrations in `folder` (drizzle/meta/_journal.json) that the database has not applied, oldest
 * first. It asks what drizzle's migrator asks: a migration is applied when `drizzle.__drizzle_migrations` holds
 * one created at or after its journal time. Throws when the database does not answer.
 */
export async function pendingMigrations(handle: DatabaseHandle, folder = migrationsFolder()): Promise<string[]> {
  const journal = JSON.parse(await readFile(path.join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
  // A database never migrated has no drizzle schema: that is "everything pending", not an error. (Two statements:
  // a query naming a missing table fails when parsed, whatever a CASE around it says.)
  const [table] = await handle.sql.query<{ exists: boolean }>(`select to_regclass('drizzle.__drizzle_migrations') is not null as exists`);
  const [row] = table?.exists
    ? await handle.sql.query<{ last: string | null }>('select max(created_at)::text as last from drizzle.__drizzle_migrations')
    : [];
  const last = row?.last == null ? -Infinity : Number(row.last);
  return journal.entries.filter((entry) => entry.when > last).map((entry) => entry.tag);
}
