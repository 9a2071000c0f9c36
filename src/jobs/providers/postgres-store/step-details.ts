// A job's steps as the inspector shows them, from its memos in background_job_tasks (the primary key finds them).
// Shared by the local inspector and BullMQ's, whose anchor rows carry the memos.
import type { SqlExecutor } from '../../../db/client';
import type { StepDetail } from '../inspection';

interface StepRow {
  step_id: string;
  status: 'COMPLETED' | 'FAILED';
  output: unknown;
  error: string | null;
  attempts: number;
  started_at: Date | null;
  duration_ms: number | null;
}

/** The steps of the background_jobs row `jobId`, in the order they ran. */
export async function stepDetails(sql: SqlExecutor, jobId: string): Promise<StepDetail[]> {
  const rows = await sql.query<StepRow>(
    `select step_id, status, output, error, attempts, started_at, duration_ms
       from background_job_tasks where job_id = $1
      order by coalesce(started_at, created_at), step_id`,
    [jobId],
  );
  return rows.map((step) => ({
    id: step.step_id,
    status: step.status,
    output: step.output ?? null,
    error: step.error,
    attempts: step.attempts,
    startedAt: step.started_at ? new Date(step.started_at) : null,
    durationMs: step.duration_ms,
  }));
}
