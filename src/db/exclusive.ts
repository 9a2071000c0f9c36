// Runs a task in at most one place at a time across every process sharing the database (the cleanups: ten
// parallel calls to /api/cron/cleanup, or the route racing the nightly job, must delete once, not ten times).
//
// On PostgreSQL the lock is a transaction-level advisory lock taken on a connection of its own, whose transaction
// stays open (idle, holding no snapshot and no row locks) while the task runs on other connections: the task's
// statements commit one by one, and a crash or dropped connection releases the lock by itself. PGlite is one
// connection in one process, so there the lock is an in-process flag (an advisory lock would be re-entrant there).
import type { DatabaseHandle } from './client';

export type ExclusiveResult<T> = { acquired: true; result: T } | { acquired: false };
export type Exclusive = <T>(name: string, task: () => Promise<T>) => Promise<ExclusiveResult<T>>;

/** The first key of the two-key advisory lock form: a namespace, so our names cannot collide with other users'. */
const LOCK_NAMESPACE = 0x4558_434c; // "EXCL"; the migration lock is a one-key lock, a separate key space anyway

const heldInProcess = new WeakMap<DatabaseHandle, Set<string>>();

export function createExclusive(database: DatabaseHandle): Exclusive {
  return async <T>(name: string, task: () => Promise<T>): Promise<ExclusiveResult<T>> => {
    if (database.driver === 'pglite') return runInProcess(database, name, task);
    return database.sql.transaction(async (tx) => {
      const [row] = await tx.query<{ acquired: boolean }>('select pg_try_advisory_xact_lock($1, hashtext($2)) as acquired', [LOCK_NAMESPACE, name]);
      if (!row?.acquired) return { acquired: false } as const;
      return { acquired: true, result: await task() } as const;
    });
  };
}

async function runInProcess<T>(database: DatabaseHandle, name: string, task: () => Promise<T>): Promise<ExclusiveResult<T>> {
  const held = heldInProcess.get(database) ?? new Set<string>();
  heldInProcess.set(database, held);
  if (held.has(name)) return { acquired: false };
  held.add(name);
  try {
    return { acquired: true, result: await task() };
  } finally {
    held.delete(name);
  }
}
