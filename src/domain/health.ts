import type { SqlClient } from '../db/client';

export interface HealthReport {
  status: 'ok' | 'degraded';
  database: 'ok' | 'unreachable';
  driver: SqlClient['driver'];
  provider: string;
  mode: string;
}

/** Checks that the database answers within `timeoutMs`; reports no secrets, only names. */
export async function checkHealth(
  sql: SqlClient,
  jobs: { provider: string; mode: string },
  timeoutMs = 2000,
): Promise<HealthReport> {
  const database = await withTimeout(sql.query('select 1'), timeoutMs).then(
    () => 'ok' as const,
    () => 'unreachable' as const,
  );
  return { status: database === 'ok' ? 'ok' : 'degraded', database, driver: sql.driver, ...jobs };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
