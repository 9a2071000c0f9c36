// The inspector's reads of BullMQ anchor rows (anchor.ts): steps and attempts of a BullMQ job, and the jobs
// cancelOn or an operator cancelled (BullMQ forgets a removed job; its anchor keeps it, CANCELLED, with the reason).
import type { SqlExecutor } from '../../../db/client';
import type { AttemptRecord, StepDetail } from '../inspection';
import { stepDetails } from '../postgres-store/step-details';

export interface AnchorDetail {
  /** The anchor's dedupe key, `bullmq:<definition>/<job id>`. */
  key: string;
  definition: string;
  eventName: string;
  status: string;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
  createdAt: Date;
  finishedAt: Date | null;
  cancelReason: string | null;
  steps: StepDetail[];
  attemptHistory: AttemptRecord[];
}

interface AnchorRow {
  id: string;
  dedupe_key: string;
  job_id: string;
  event_name: string;
  status: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
  created_at: Date;
  completed_at: Date | null;
  cancel_reason: string | null;
  attempt_history: unknown;
}

const ANCHOR_COLUMNS = `id::text as id, dedupe_key, job_id, event_name, status, payload, attempts, max_attempts, created_at, completed_at, cancel_reason, attempt_history`;

async function withSteps(sql: SqlExecutor, rows: AnchorRow[]): Promise<AnchorDetail[]> {
  return Promise.all(
    rows.map(async (row) => ({
      ...toDetail(row),
      steps: await stepDetails(sql, row.id),
      attemptHistory: (Array.isArray(row.attempt_history) ? row.attempt_history : []) as AttemptRecord[],
    })),
  );
}

/** Anchors by key (background_jobs_dedupe_key_key), with their steps. */
export async function anchorDetails(sql: SqlExecutor, keys: readonly string[]): Promise<AnchorDetail[]> {
  const rows = await sql.query<AnchorRow>(`select ${ANCHOR_COLUMNS} from background_jobs where dedupe_key = any($1::text[])`, [keys]);
  return withSteps(sql, rows);
}

/** Cancelled BullMQ jobs, newest first (background_jobs_cancelled_idx), for the list. */
export async function cancelledAnchorRows(
  sql: SqlExecutor,
  query: { definition: string | null; offset: number; limit: number },
): Promise<AnchorDetail[]> {
  const rows = await sql.query<AnchorRow>(
    `select ${ANCHOR_COLUMNS} from background_jobs
      where status = 'CANCELLED' and dedupe_key like 'bullmq:%' and ($1::text is null or job_id = $1)
      order by background_jobs.id desc offset $2 limit $3`,
    [query.definition, query.offset, query.limit],
  );
  return rows.map(toDetail);
}

function toDetail(row: AnchorRow): AnchorDetail {
  return {
    key: row.dedupe_key,
    definition: row.job_id,
    eventName: row.event_name,
    status: row.status,
    payload: row.payload,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    createdAt: new Date(row.created_at),
    finishedAt: row.completed_at ? new Date(row.completed_at) : null,
    cancelReason: row.cancel_reason,
    steps: [],
    attemptHistory: [],
  };
}

/** prune: cancelled BullMQ jobs that ended before `before` (BullMQ's own sets are cleaned by Queue.clean). */
export async function deleteCancelledAnchors(sql: SqlExecutor, before: Date): Promise<number> {
  const rows = await sql.query(
    `delete from background_jobs where status = 'CANCELLED' and dedupe_key like 'bullmq:%' and completed_at < $1 returning 1`,
    [before.toISOString()],
  );
  return rows.length;
}
