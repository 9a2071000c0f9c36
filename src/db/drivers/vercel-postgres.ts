// @vercel/postgres (Neon over WebSockets) for Vercel functions. No LISTEN: serverless mode wakes jobs by a signed
// HTTP call and Vercel Cron, not by a long-lived listener.
import { createPool } from '@vercel/postgres';
import { drizzle } from 'drizzle-orm/vercel-postgres';
import type { Database, DatabaseHandle, SqlClient } from '../client';
import * as schema from '../schema';

export function openVercelPostgres(url: string): DatabaseHandle {
  const pool = createPool({ connectionString: url });
  const db = drizzle(pool, { schema }) as unknown as Database;
  const sql: SqlClient = {
    driver: 'vercel-postgres',
    async query<Row>(text: string, params?: readonly unknown[]) {
      const result = await pool.query(text, params as unknown[] | undefined);
      return result.rows as Row[];
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn({
          async query<Row>(text: string, params?: readonly unknown[]) {
            return (await client.query(text, params as unknown[] | undefined)).rows as Row[];
          },
        });
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    get relaxed() {
      return sql;
    },
    async listen() {
      return null;
    },
  };
  return { driver: 'vercel-postgres', db, sql, close: () => pool.end() };
}
