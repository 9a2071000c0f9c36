// node-postgres pool for a real PostgreSQL server. LISTEN needs a connection of its own that outlives any query,
// so it gets a dedicated client that reconnects (with backoff) when the server drops it.
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { Database, DatabaseHandle, SqlClient } from '../client';
import * as schema from '../schema';
import { pooledTransaction } from './pooled-transaction';

// Return int8 (bigint) as string, not a lossy number: job ids are bigint.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => value);

export function openNodePostgres(url: string, options: { poolSize: number }): DatabaseHandle {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize, application_name: 'signing-jobs' });
  // An idle client's error (server restart, pg_terminate_backend) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  // A few connections suffice: the queue's relaxed statements are batched, one in flight per worker loop.
  const relaxedPool = new pg.Pool({
    connectionString: url,
    max: Math.max(2, Math.ceil(options.poolSize / 4)),
    application_name: 'signing-jobs-queue',
    options: '-c synchronous_commit=off',
  });
  relaxedPool.on('error', () => {});
  const db = drizzle(pool, { schema }) as unknown as Database;
  const listeners = new Set<{ stop(): Promise<void> }>();

  const sql: SqlClient = {
    driver: 'node-postgres',
    async query<Row>(text: string, params?: readonly unknown[], name?: string) {
      const result = await pool.query({ text, values: params as unknown[] | undefined, name });
      return result.rows as Row[];
    },
    relaxed: {
      async query<Row>(text: string, params?: readonly unknown[], name?: string) {
        const result = await relaxedPool.query({ text, values: params as unknown[] | undefined, name });
        return result.rows as Row[];
      },
    },
    transaction: (fn) => pooledTransaction(pool, fn),
    async listen(channel, onNotify) {
      const listener = await startListener(url, channel, onNotify);
      listeners.add(listener);
      return async () => {
        listeners.delete(listener);
        await listener.stop();
      };
    },
  };

  return {
    driver: 'node-postgres',
    db,
    sql,
    async close() {
      await Promise.all([...listeners].map((listener) => listener.stop()));
      await Promise.all([pool.end(), relaxedPool.end()]);
    },
  };
}

async function startListener(url: string, channel: string, onNotify: (payload: string) => void) {
  let stopped = false;
  let client: pg.Client | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  const quoted = `"${channel.replace(/"/g, '""')}"`;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url, application_name: 'signing-jobs-listener' });
    next.on('notification', (message) => onNotify(message.payload ?? ''));
    next.on('error', () => scheduleReconnect());
    next.on('end', () => scheduleReconnect());
    await next.connect();
    await next.query(`LISTEN ${quoted}`);
    client = next;
    // Wake once after (re)connecting: notifications sent while disconnected were lost.
    onNotify('');
  };

  let delayMs = 100;
  const scheduleReconnect = () => {
    if (stopped || retryTimer) return;
    client = undefined;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      connect().then(
        () => (delayMs = 100),
        () => {
          delayMs = Math.min(delayMs * 2, 5000);
          scheduleReconnect();
        },
      );
    }, delayMs);
  };

  await connect();
  return {
    async stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      await client?.end().catch(() => {});
    },
  };
}
