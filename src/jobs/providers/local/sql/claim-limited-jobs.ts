// Claim jobs of one definition that has a concurrency limit, honouring it across every worker process.
// A transaction-scoped advisory lock per definition serializes these claims; the claim statement runs after the
// lock is granted, so its snapshot sees every PROCESSING row committed by the previous holder. Jobs whose lease
// has lapsed do not count: their worker is presumed dead and reclaim-expired.ts hands them out again.
// Served by background_jobs_processing_idx (count) and background_jobs_pending_run_at_idx (candidates).
import type { SqlClient } from '../../../../db/client';
import { CLAIMED_COLUMNS, markClaimed, type ClaimedJobRow } from './job-row';

const CLAIM_LIMITED = `
  with running as (
    select concurrency_key, count(*)::int as n from background_jobs
     where status = 'PROCESSING' and job_id = $1 and locked_until > now()
     group by concurrency_key
  ),
  ranked as materialized (
    select b.id, b.concurrency_key,
           row_number() over (partition by b.concurrency_key order by b.run_at, b.id) as rank
      from (select id, concurrency_key, run_at from background_jobs
             where status = 'PENDING' and job_id = $1 and run_at <= now()
             order by run_at, id
             limit $2 * 10
             for update skip locked) b
  ),
  candidates as (
    select ranked.id from ranked
      left join running on running.concurrency_key is not distinct from ranked.concurrency_key
     where ranked.rank <= $3 - coalesce(running.n, 0)
     limit $2
  )
  update background_jobs j
     ${markClaimed('$4', '$5')}
    from candidates c
   where j.id = c.id
  returning ${CLAIMED_COLUMNS}`;

export function claimLimitedJobs(
  sql: SqlClient,
  options: { jobId: string; limit: number; concurrencyLimit: number; workerId: string; leaseMs: number },
): Promise<ClaimedJobRow[]> {
  return sql.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(hashtext('background_jobs:concurrency:' || $1))`, [options.jobId]);
    return tx.query<ClaimedJobRow>(CLAIM_LIMITED, [
      options.jobId,
      options.limit,
      options.concurrencyLimit,
      options.workerId,
      options.leaseMs,
    ]);
  });
}
