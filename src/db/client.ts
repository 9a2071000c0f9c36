// Opens the database the config names: embedded PGlite (no URL), node-postgres (a postgres:// URL), or
// @vercel/postgres (on Vercel with a Vercel/Neon URL). Everyone else gets a Drizzle `Database` for queries and a
// `SqlClient` for the queue's hand-written hot statements and LISTEN/NOTIFY.
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema';

export type Schema = typeof schema;
/** A Drizzle database or transaction; domain functions take it first so tests can pass a transaction. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export type DriverKind = 'pglite' | 'node-postgres' | 'vercel-postgres';

export interface SqlExecutor {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[], name?: string): Promise<Row[]>;
}

export interface SqlClient extends SqlExecutor {
  readonly driver: DriverKind;
  /**
   * The same database through connections with `synchronous_commit = off`: a commit returns before its WAL is on
   * disk, so a PostgreSQL crash (not a client crash) may forget the last fraction of a second of such commits. The
   * queue uses it only for statements whose loss re-runs a job (claim, complete, lease renewal, reclaim), never for
   * enqueue or step memos, and any later synchronous commit flushes them anyway (WAL is sequential). Drivers
   * without the distinction return the ordinary client.
   */
  readonly relaxed: SqlExecutor;
  /** Runs one statement. `name` makes node-postgres prepare it once per connection (hot statements). */
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[], name?: string): Promise<Row[]>;
  /** Runs `fn` in one transaction on one connection; commits if it resolves, rolls back if it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Calls `onNotify` on each NOTIFY on `channel`; resolves to an unsubscribe function. Null where unsupported. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<(() => Promise<void>) | null>;
}

export interface DatabaseHandle {
  readonly driver: DriverKind;
  readonly db: Database;
  readonly sql: SqlClient;
  close(): Promise<void>;
}

export type DatabaseTarget = { kind: 'embedded'; dataDir: string } | { kind: 'postgres'; url: string };

/** Vercel Postgres (Neon) speaks over WebSockets in serverless functions; plain TCP pools exhaust its connections. */
export function chooseDriver(target: DatabaseTarget, options: { isVercel: boolean }): DriverKind {
  if (target.kind === 'embedded') return 'pglite';
  const host = safeHost(target.url);
  const isVercelPostgres = host.endsWith('.neon.tech') || host.endsWith('.vercel-storage.com');
  return options.isVercel && isVercelPostgres ? 'vercel-postgres' : 'node-postgres';
}

function safeHost(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

export async function openDatabase(target: DatabaseTarget, options: { isVercel: boolean; poolSize?: number }): Promise<DatabaseHandle> {
  const driver = chooseDriver(target, options);
  if (target.kind === 'embedded') {
    const { openPglite } = await import('./drivers/pglite');
    return openPglite(target.dataDir);
  }
  if (driver === 'vercel-postgres') {
    const { openVercelPostgres } = await import('./drivers/vercel-postgres');
    return openVercelPostgres(target.url);
  }
  const { openNodePostgres } = await import('./drivers/node-postgres');
  return openNodePostgres(target.url, { poolSize: options.poolSize ?? 20 });
}

/** Runs a Drizzle `sql` query on a database or transaction and returns its rows (every driver answers `{ rows }`). */
export async function executeRows<Row>(db: Database, query: SQL): Promise<Row[]> {
  const result = (await db.execute(query)) as unknown as { rows: Row[] };
  return result.rows;
}
