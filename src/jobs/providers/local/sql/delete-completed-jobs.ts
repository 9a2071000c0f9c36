// Retention: COMPLETED jobs older than the retention age go, with their memos (deleted by the trigger of migration 0015), in batches
// of `batchSize` so no statement holds many row locks or runs long. FAILED jobs are kept for inspection.
// Served by background_jobs_finished_idx.
import type { SqlExecutor } from '../../../../db/client';

const DELETE_BATCH = `
  with doomed as materialized (
    select id from background_jobs
     where status = 'COMPLETED' and completed_at < now() - $1 * interval '1 day'
     order by completed_at
     limit $2
     for update skip locked
  ),
  deleted as (delete from background_jobs j using doomed where j.id = doomed.id returning 1)
  select count(*)::int as n from deleted`;

export async function deleteCompletedJobs(sql: SqlExecutor, options: { olderThanDays: number; batchSize?: number }): Promise<number> {
  const batchSize = options.batchSize ?? 1000;
  let total = 0;
  for (;;) {
    const rows = await sql.query<{ n: number }>(
      DELETE_BATCH,
      [options.olderThanDays, batchSize],
    );
    const deleted = rows[0]?.n ?? 0;
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
