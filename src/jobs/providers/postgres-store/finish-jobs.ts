// Completion and failure of a background_jobs row, shared by the local provider and BullMQ's anchor rows. Each
// statement matches (id, lock_token): a worker whose lease lapsed and whose job was claimed again holds an old
// token, so its late writes change nothing (fencing). The returned ids say which writes took effect.
import type { SqlExecutor } from '../../../db/client';
import { appendAttempt } from './attempt-record';

/** A finished job to record as COMPLETED: the fence it holds and the handler's return value (JSON). */
export interface Completion {
  id: string;
  lockToken: string;
  result?: unknown;
  /**
   * When this worker started running the job (performance.now()), if it knows. The claim's started_at also counts
   * the time a job waited in the worker's prefetch buffer, behind another job's whole run.
   */
  startedMono?: number;
}

/**
 * When the attempt started, in SQL: now() minus the milliseconds the worker measured since it started the job (a
 * span on one clock, so the app's and the database's clocks need not agree), or the claim's started_at.
 */
export function startedAtSql(alias: string, elapsedMs: string): string {
  return `coalesce(now() - ${elapsedMs} * interval '1 millisecond', ${alias}.started_at)`;
}

/** Milliseconds since the worker started `job`, for startedAtSql; null when it does not know. */
export function elapsedSinceStart(job: { startedMono?: number }): number | null {
  return job.startedMono === undefined ? null : Math.max(0, Math.round(performance.now() - job.startedMono));
}

/** SET clause of every completion (here and complete-and-claim): `finished` is the unnest() of the batch, with `result`. */
export const MARK_COMPLETED = `
  set status = 'COMPLETED', completed_at = now(), updated_at = now(), result = finished.result,
      started_at = ${startedAtSql('j', 'finished.elapsed_ms')},
      ${appendAttempt('j', `'completed'`, undefined, startedAtSql('j', 'finished.elapsed_ms'))},
      locked_by = null, locked_until = null, lock_token = null, last_error = null`;

/** The parameters of a batch as unnest() columns: ids, tokens, results (JSON text, cast to jsonb in SQL), ms since start. */
export function completionColumns(jobs: ReadonlyArray<Completion>): [string[], string[], string[], Array<number | null>] {
  return [jobs.map((job) => job.id), jobs.map((job) => job.lockToken), jobs.map((job) => jsonWithoutNul(job.result ?? null)!), jobs.map(elapsedSinceStart)];
}

/** JSON text for a jsonb parameter (see withoutNul); null for undefined, which JSON cannot say. */
export function jsonWithoutNul(value: unknown): string | null {
  return JSON.stringify(value, withoutNul) ?? null;
}

/** jsonb refuses \u0000, and one refused result would fail its whole batch (and every retry of it): NUL in a
 * string value becomes U+FFFD. (Object keys cannot be rewritten here; a NUL in a key remains the handler's bug.) */
function withoutNul(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

// Completions are written in batches: one UPDATE for every job that finished since the last flush, joined
// against unnest() so the plan is a nested loop over primary-key lookups. Results travel as a third unnest
// column, so recording them adds no statement.
const COMPLETE_JOBS = `
  update background_jobs j
     ${MARK_COMPLETED}
    from unnest($1::bigint[], $2::uuid[], $3::jsonb[], $4::integer[]) as finished(id, token, result, elapsed_ms)
   where j.id = finished.id and j.lock_token = finished.token
  returning j.id::text as id`;

export async function completeJobs(sql: SqlExecutor, jobs: ReadonlyArray<Completion>): Promise<Set<string>> {
  if (jobs.length === 0) return new Set();
  const rows = await sql.query<{ id: string }>(COMPLETE_JOBS, completionColumns(jobs), 'jobs_complete');
  return new Set(rows.map((row) => row.id));
}

// A failed attempt: back to PENDING at a later run_at (retry), or FAILED for good. The delay is relative to the
// database clock, which every instance shares. completed_at is when the job finished, FAILED included (metrics and
// prune find finished jobs by it, through background_jobs_finished_idx).
const FAIL_JOB = `
  update background_jobs j
     set status = case when $3 then 'FAILED' else 'PENDING' end,
         run_at = case when $3 then run_at else now() + $4 * interval '1 millisecond' end,
         completed_at = case when $3 then now() else null end,
         last_error = $5, updated_at = now(), locked_by = null, locked_until = null, lock_token = null,
         started_at = ${startedAtSql('j', '$6::integer')},
         ${appendAttempt('j', `case when $3 then 'failed' else 'retry' end`, '$5', startedAtSql('j', '$6::integer'))}
   where id = $1 and lock_token = $2
  returning id::text as id`;

export async function failJob(
  sql: SqlExecutor,
  job: { id: string; lockToken: string; startedMono?: number },
  outcome: { final: boolean; retryDelayMs: number; error: string },
): Promise<boolean> {
  const rows = await sql.query(FAIL_JOB, [job.id, job.lockToken, outcome.final, outcome.retryDelayMs, outcome.error, elapsedSinceStart(job)], 'jobs_fail');
  return rows.length === 1;
}

