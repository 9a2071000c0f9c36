// The attempt record (AttemptRecord in ../inspection.ts) each statement that ends an attempt (complete, fail, park) appends to attempt_history. Built
// in SQL from started_at (set by the claim, or given by the statement: when the job really started) and now(), so the
// history costs no extra statement or round trip.
/** Longest error text kept per attempt: the full error stays in last_error; history is for the overview. */
export const ATTEMPT_ERROR_CHARS = 500;

/**
 * `attempt_history = …` for an UPDATE of background_jobs aliased `alias`. `outcome` and `error` are SQL
 * expressions (a literal, a CASE, a parameter); on the right of SET, `alias.attempts` is the value before the
 * update, i.e. the attempt being ended (1-based there, 0-based in the record as handlers see it). `startedAt` is
 * an SQL expression for when the attempt started (default: the row's started_at, as the claim set it).
 */
export function appendAttempt(alias: string, outcome: string, error?: string, startedAt = `${alias}.started_at`): string {
  const started = `coalesce(${startedAt}, now())`;
  const record = `jsonb_build_object(
        'attempt', ${alias}.attempts - 1, 'startedAt', ${started}, 'finishedAt', now(),
        'durationMs', round(extract(epoch from now() - ${started}) * 1000)::bigint, 'outcome', ${outcome})`;
  const withError = error ? `${record} || jsonb_build_object('error', left(${error}, ${ATTEMPT_ERROR_CHARS}))` : record;
  return `attempt_history = ${alias}.attempt_history || jsonb_build_array(${withError})`;
}
