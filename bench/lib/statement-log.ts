// Times one named statement of the engine from the client's side: how many ran, how many rows each carried (the
// length of its first array parameter) and how long each took to answer. The 3-step workload prints it for the
// memo writer's statement, so what bounds that figure can be read off the run itself rather than argued.
import type { DatabaseHandle, SqlExecutor } from '../../src/db/client';
import { percentile } from './stats';

export interface StatementLog {
  /** The database as the worker should get it: every statement passes through, the named one is timed. */
  readonly database: DatabaseHandle;
  /** e.g. "4,012 memos_save statements (0.20 per job), 15.0 rows each, p50 0.85 ms, p90 1.2 ms; busy 79% of 4.5 s". */
  describe(jobs: number, elapsedMs: number): string;
}

export function logStatement(database: DatabaseHandle, statementName: string): StatementLog {
  const durations: number[] = [];
  let rows = 0;
  const timed = (executor: SqlExecutor): SqlExecutor['query'] =>
    async function query<Row>(text: string, params?: readonly unknown[], name?: string): Promise<Row[]> {
      if (name !== statementName) return executor.query<Row>(text, params, name);
      const startedAt = performance.now();
      try {
        return await executor.query<Row>(text, params, name);
      } finally {
        durations.push(performance.now() - startedAt);
        rows += Array.isArray(params?.[0]) ? params[0].length : 1;
      }
    };
  const sql = database.sql;
  const wrapped: DatabaseHandle = {
    ...database,
    sql: { ...sql, query: timed(sql), relaxed: { query: timed(sql.relaxed) }, transaction: sql.transaction, listen: sql.listen },
  };
  return {
    database: wrapped,
    describe(jobs, elapsedMs) {
      const sorted = [...durations].sort((a, b) => a - b);
      const busyMs = durations.reduce((sum, ms) => sum + ms, 0);
      const count = durations.length;
      return (
        `${count.toLocaleString('en-US')} ${statementName} statements (${(count / jobs).toFixed(2)} per job), ` +
        `${(rows / Math.max(count, 1)).toFixed(1)} rows each, p50 ${percentile(sorted, 50).toFixed(2)} ms, ` +
        `p90 ${percentile(sorted, 90).toFixed(2)} ms; time in flight summed over statements (overlapping ones each counted) ${((100 * busyMs) / elapsedMs).toFixed(0)}% of ${(elapsedMs / 1000).toFixed(1)} s`
      );
    },
  };
}
