// Step memos in background_job_tasks, keyed (job_id, step_id); memo-writer.ts saves them (group commit, fenced by
// the job's lock_token so a frozen worker that wakes after its job was reclaimed cannot record a step as done).
import type { SqlExecutor } from '../../../db/client';
import type { Memo } from '../../execute';

export async function loadMemos(sql: SqlExecutor, jobId: string): Promise<Map<string, Memo>> {
  const rows = await sql.query<{ step_id: string; status: 'COMPLETED' | 'FAILED'; output: unknown; error: string | null }>(
    `select step_id, status, output, error from background_job_tasks where job_id = $1`,
    [jobId],
    'memos_load',
  );
  return new Map(
    rows.map((row) => [
      row.step_id,
      row.status === 'COMPLETED' ? { status: 'COMPLETED', output: row.output } : { status: 'FAILED', error: row.error ?? '' },
    ]),
  );
}
