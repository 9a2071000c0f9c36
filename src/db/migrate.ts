// Applies the committed drizzle-kit migrations in drizzle/. Migrators on a shared server are serialized by an
// advisory lock, so several instances starting at once cannot apply the same migration twice.
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
      const { migrate } = await import('drizzle-orm/vercel-postgres/migrator');
      await migrate(handle.db as never, config);
      return;
    }
  }
}

async function withAdvisoryLock(handle: DatabaseHandle, run: () => Promise<void>): Promise<void> {
  // The lock is held by one pooled connection (in a transaction, so it is released even if the process dies)
  // while drizzle's migrator runs on another; a second migrator waits here, then finds nothing left to apply.
  const { db } = handle;
  const { sql } = await import('drizzle-orm');
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await run();
  });
}
