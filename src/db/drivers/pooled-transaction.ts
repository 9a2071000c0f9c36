// BEGIN … COMMIT on one connection taken from a pg-compatible pool (node-postgres, @vercel/postgres): rolled back
// if `fn` throws, the connection returned either way.
import type { SqlExecutor } from '../client';

interface PoolClientLike {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  release(): void;
}

export async function pooledTransaction<T>(
  pool: { connect(): Promise<PoolClientLike> },
  fn: (tx: SqlExecutor) => Promise<T>,
): Promise<T> {
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
}
