// Step memos in background_job_tasks, keyed (job_id, step_id). Saving is fenced by the job's lock_token: the
// INSERT … SELECT … WHERE EXISTS only writes while this worker still holds the job, so a frozen worker that wakes
// after its job was reclaimed cannot record a step as done.
import type { SqlExecutor } from '../../../db/client';
import type { Memo, StepTiming } from '../../execute';

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

// started_at and duration_ms ride along in the same statement: the step's timing costs no extra write.
const SAVE_MEMO = `
  insert into background_job_tasks (job_id, step_id, status, output, error, started_at, duration_ms)
  select $1, $2, $3, $4::jsonb, $5, $7::timestamptz, $8::integer
   where exists (select 1 from background_jobs where id = $1 and lock_token = $6 and status = 'PROCESSING')
  on conflict (job_id, step_id) do update
     set status = excluded.status, output = excluded.output, error = excluded.error,
         started_at = excluded.started_at, duration_ms = excluded.duration_ms,
         attempts = background_job_tasks.attempts + 1, updated_at = now()
   where background_job_tasks.status <> 'COMPLETED'
  returning 1 as saved`;

/** Returns false when the write was fenced off (the job is no longer this worker's). */
export async function saveMemo(
  sql: SqlExecutor,
  job: { id: string; lockToken: string },
  stepId: string,
  memo: Memo,
  timing?: StepTiming,
): Promise<boolean> {
  const timed = [timing?.startedAt.toISOString() ?? null, timing === undefined ? null : Math.round(timing.durationMs)];
  const params =
    memo.status === 'COMPLETED'
      ? [job.id, stepId, 'COMPLETED', JSON.stringify(memo.output), null, job.lockToken, ...timed]
      : [job.id, stepId, 'FAILED', null, memo.error, job.lockToken, ...timed];
  const rows = await sql.query(SAVE_MEMO, params, 'memos_save');
  return rows.length === 1;
}
