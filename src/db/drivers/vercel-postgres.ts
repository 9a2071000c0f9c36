// @vercel/postgres (Neon over WebSockets) for Vercel functions. No LISTEN: serverless mode wakes jobs by a signed
// HTTP call and Vercel Cron, not by a long-lived listener.
import { createPool } from '@vercel/postgres';
import { drizzle } from 'drizzle-orm/vercel-postgres';
import type { Database, DatabaseHandle, SqlClient } from '../client';
import * as schema from '../schema';
import { pooledTransaction } from './pooled-transaction';

export function openVercelPostgres(url: string): DatabaseHandle {
  const pool = createPool({ connectionString: url });
  const db = drizzle(pool, { schema }) as unknown as Database;
  const sql: SqlClient = {
    driver: 'vercel-postgres',
    async query<Row>(text: string, params?: readonly unknown[]) {
      const result = await pool.query(text, params as unknown[] | undefined);
      return result.rows as Row[];
    },
    transaction: (fn) => pooledTransaction(pool, fn),
    get relaxed() {
      return sql;
    },
    async listen() {
      return null;
    },
  };
  return { driver: 'vercel-postgres', db, sql, close: () => pool.end() };
}
