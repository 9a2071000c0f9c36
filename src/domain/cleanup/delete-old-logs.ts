import { sql } from 'drizzle-orm';
import { executeRows, type Database } from '../../db/client';

/** Tables whose rows expire by age, each with an index on created_at. */
export type LogTable = 'audit_logs' | 'system_logs' | 'email_messages';

const TABLES: Record<LogTable, string> = { audit_logs: 'audit_logs', system_logs: 'system_logs', email_messages: 'email_messages' };

/**
 * Deletes rows created before `before`, `batchSize` at a time, each batch its own statement (and, outside a
 * transaction, its own commit). A single DELETE of millions of rows would hold its locks, WAL and dead tuples until
 * the end and run for minutes; a batch of 10,000 found through the created_at index stays well under a second
 * (bench/domain.ts), so concurrent inserts into the table never wait on it for long.
 */
export async function deleteOldLogs(db: Database, input: { table: LogTable; before: Date; batchSize?: number }): Promise<number> {
  const batchSize = input.batchSize ?? 10_000;
  const table = sql.raw(TABLES[input.table]);
  let total = 0;
  for (;;) {
    const [row] = await executeRows<{ deleted: number }>(
      db,
      sql`with gone as (
            delete from ${table} where id in (select id from ${table} where created_at < ${input.before} limit ${batchSize})
            returning 1
          )
          select count(*)::int as deleted from gone`,
    );
    const deleted = row?.deleted ?? 0;
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
