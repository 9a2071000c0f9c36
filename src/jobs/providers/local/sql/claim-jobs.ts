// Claim a batch of due jobs in one statement.
// - The inner SELECT walks background_jobs_pending_priority_idx (partial: PENDING only) in (priority desc, run_at)
//   order, so higher priorities go first and its cost does not grow with the number of finished rows.
// - FOR UPDATE SKIP LOCKED: concurrent workers take disjoint rows without waiting on each other. The CTE is
//   MATERIALIZED so the locking subquery runs exactly once: inlined into the UPDATE's join, a planner may rescan it
//   and lock (and claim) more rows than the LIMIT.
// - The UPDATE marks the rows PROCESSING with a lease and a fresh lock_token (the fence for every later write), and
//   counts the attempt up front, so a worker that dies mid-job has still used the attempt: a job that crashes its
//   process every time ends FAILED instead of looping forever.
// - Definitions with a concurrency limit ($4) are excluded here and claimed by claim-limited-jobs.ts. The same
//   statement says whether any of their jobs is due (`limited_due`: one probe per limited definition of
//   background_jobs_limited_pending_idx), so the worker pays for the limited claim only when it has work, and a
//   backlog of other jobs can never hide that work from it.
import type { SqlExecutor } from '../../../../db/client';
import { completionColumns, MARK_COMPLETED, type Completion } from '../../postgres-store/finish-jobs';
import { CLAIMED_COLUMNS, markClaimed, type ClaimedJobRow } from './job-row';

export interface ClaimResult {
  claimed: ClaimedJobRow[];
  /** Whether jobs of a limited definition are due (claimable unless their limit is full). */
  limitedDue: boolean;
}

const LIMITED_DUE = `
  exists (select 1 from unnest($4::text[]) as d(job_id)
           where exists (select 1 from background_jobs b
                          where b.status = 'PENDING' and b.concurrency_key is not null
                            and b.job_id = d.job_id and b.run_at <= now()))`;

const CANDIDATES = `
  candidates as materialized (
    select id from background_jobs
     where status = 'PENDING' and run_at <= now() and job_id <> all($4::text[])
     order by priority desc, run_at, id
     limit $1
     for update skip locked
  ),
  claimed as (
    update background_jobs j
       ${markClaimed('$2', '$3')}
      from candidates c
     where j.id = c.id
    returning ${CLAIMED_COLUMNS}
  )`;

const CLAIM_JOBS = `
  with ${CANDIDATES}
  select (select coalesce(json_agg(claimed), '[]'::json) from claimed) as claimed, ${LIMITED_DUE} as limited_due`;

export async function claimJobs(
  sql: SqlExecutor,
  options: { limit: number; workerId: string; leaseMs: number; excludeJobIds: readonly string[] },
): Promise<ClaimResult> {
  const rows = await sql.query<{ claimed: ClaimedJobRow[]; limited_due: boolean }>(
    CLAIM_JOBS,
    [options.limit, options.workerId, options.leaseMs, options.excludeJobIds],
    'jobs_claim',
  );
  return { claimed: rows[0]!.claimed, limitedDue: rows[0]!.limited_due };
}

const CLAIM_JOB_BY_ID = `
  with candidate as materialized (
    select id from background_jobs
     where id = $1 and status = 'PENDING' and run_at <= now()
     for update skip locked
  )
  update background_jobs j
     ${markClaimed('$2', '$3')}
    from candidate c
   where j.id = c.id
  returning ${CLAIMED_COLUMNS}`;

/** Serverless mode: claim the one job a signed /api/jobs/run call names, if it is still claimable. */
export async function claimJobById(
  sql: SqlExecutor,
  options: { id: string; workerId: string; leaseMs: number },
): Promise<ClaimedJobRow | undefined> {
  const rows = await sql.query<ClaimedJobRow>(CLAIM_JOB_BY_ID, [options.id, options.workerId, options.leaseMs], 'jobs_claim_by_id');
  return rows[0];
}

// Complete-and-claim: a worker that has finished jobs and has free slots records the completions and claims the
// next batch in one statement (one round trip, one commit instead of two). Data-modifying CTEs all run against
// the same snapshot; `done` only touches PROCESSING rows and `candidates` only PENDING ones, so they never meet.
// One row always comes back (aggregates), even when nothing was claimable.
const COMPLETE_AND_CLAIM = `
  with done as (
    update background_jobs j
       ${MARK_COMPLETED}
      from unnest($5::bigint[], $6::uuid[], $7::jsonb[], $8::integer[]) as finished(id, token, result, elapsed_ms)
     where j.id = finished.id and j.lock_token = finished.token
    returning j.id
  ),
  ${CANDIDATES}
  select (select coalesce(json_agg(id::text), '[]'::json) from done) as done,
         (select coalesce(json_agg(claimed), '[]'::json) from claimed) as claimed,
         ${LIMITED_DUE} as limited_due`;

export async function completeAndClaimJobs(
  sql: SqlExecutor,
  options: { limit: number; workerId: string; leaseMs: number; excludeJobIds: readonly string[]; completed: ReadonlyArray<Completion> },
): Promise<ClaimResult & { done: Set<string> }> {
  const rows = await sql.query<{ done: string[]; claimed: ClaimedJobRow[]; limited_due: boolean }>(
    COMPLETE_AND_CLAIM,
    [
      options.limit,
      options.workerId,
      options.leaseMs,
      options.excludeJobIds,
      ...completionColumns(options.completed),
    ],
    'jobs_complete_and_claim',
  );
  const row = rows[0]!;
  return { done: new Set(row.done), claimed: row.claimed, limitedDue: row.limited_due };
}
