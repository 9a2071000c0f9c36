// Claim due jobs of the definitions that have a concurrency limit or a throttle, every such definition in one
// statement, honouring each limit (per key) across every worker process.
// - One transaction: the first statement turns off synchronous_commit for it (a claim is relaxed like the plain
//   ones: a server crash can only forget it, which re-runs the job) and takes a transaction-scoped advisory lock
//   per definition, in sorted order (no deadlocks between workers). The claim statement runs after the locks are
//   granted, so its snapshot sees every PROCESSING row committed by the previous holder; that is what makes the
//   count below exact. Jobs whose lease lapsed do not count: their worker is presumed dead.
// - Candidates come from background_jobs_limited_pending_idx, (job_id, priority desc, run_at, id) over PENDING rows
//   that carry a concurrency key (every job of a limited definition does; '' when the definition has no key): one
//   index range per definition, however large the backlog of other definitions' jobs is.
// - Keys already at their limit (running, or started within the throttle's period) are skipped inside the scan, so
//   a key with a long queue cannot fill the window and hold back the other keys of its definition.
import type { SqlClient } from '../../../../db/client';
import { CLAIMED_COLUMNS, markClaimed, type ClaimedJobRow } from './job-row';

export interface LimitedDefinition {
  jobId: string;
  limit: number;
  /** The key expression's path into the event data (`event.data.documentId` -> ['documentId']); [] without a key. */
  keyPath: string[];
  /** At most `limit` starts per `periodMs` per key (throttle), on top of the concurrency limit. */
  throttle?: { limit: number; periodMs: number };
}

const LOCK_LIMITED = `
  select set_config('synchronous_commit', 'off', true),
         pg_advisory_xact_lock(hashtext('background_jobs:concurrency:' || job_id))
    from unnest($1::text[]) as job_id`;

const CLAIM_LIMITED = `
  with limits as (
    select * from unnest($2::text[], $3::int[], $6::int[], $7::float8[]) as l(job_id, max_running, max_starts, period_ms)
  ),
  running as (
    select job_id, concurrency_key, count(*)::int as n from background_jobs
     where status = 'PROCESSING' and job_id = any($2::text[]) and locked_until > now()
     group by job_id, concurrency_key
  ),
  -- Throttle: starts per key within the last period (background_job_rate_log_lookup_idx), so that every window of
  -- one period, wherever it begins, holds at most max_starts starts.
  started as (
    select s.job_id, s.rate_key as concurrency_key, count(*)::int as n
      from limits l
      join background_job_rate_log s
        on s.job_id = l.job_id and s.kind = 'start' and s.at > now() - l.period_ms * interval '1 millisecond'
     where l.max_starts > 0
     group by s.job_id, s.rate_key
  ),
  window_rows as materialized (
    select b.id, b.job_id, b.concurrency_key, b.priority, b.run_at, l.max_running, l.max_starts
      from limits l
      cross join lateral (
        select p.id, p.job_id, p.concurrency_key, p.priority, p.run_at from background_jobs p
         where p.status = 'PENDING' and p.concurrency_key is not null and p.job_id = l.job_id and p.run_at <= now()
           and not exists (select 1 from running r
                            where r.job_id = p.job_id and r.concurrency_key = p.concurrency_key and r.n >= l.max_running)
           and not exists (select 1 from started t
                            where t.job_id = p.job_id and t.concurrency_key = p.concurrency_key and t.n >= l.max_starts)
         order by p.priority desc, p.run_at, p.id
         limit $1 * 4
         for update skip locked
      ) b
  ),
  candidates as (
    select id, job_id, concurrency_key, max_starts from (
      select w.id, w.job_id, w.concurrency_key, w.priority, w.run_at, w.max_starts,
             least(w.max_running - coalesce(r.n, 0), case when w.max_starts > 0 then w.max_starts - coalesce(t.n, 0) else w.max_running end) as room,
             row_number() over (partition by w.job_id, w.concurrency_key order by w.priority desc, w.run_at, w.id) as rank
        from window_rows w
        left join running r on r.job_id = w.job_id and r.concurrency_key = w.concurrency_key
        left join started t on t.job_id = w.job_id and t.concurrency_key = w.concurrency_key
    ) ranked
     where rank <= room
     order by priority desc, run_at, id
     limit $1
  ),
  claimed as (
    update background_jobs j
       ${markClaimed('$4', '$5')}
      from candidates c
     where j.id = c.id
    returning ${CLAIMED_COLUMNS}
  ),
  -- Every start of a throttled definition is logged in the same statement (and transaction) that claims it.
  logged as (
    insert into background_job_rate_log (job_id, kind, rate_key)
    select c.job_id, 'start', c.concurrency_key from candidates c
     where c.max_starts > 0 and exists (select 1 from claimed k where k.id = c.id::text)
  )
  select * from claimed`;

export function claimLimitedJobs(
  sql: SqlClient,
  options: { limit: number; limited: readonly LimitedDefinition[]; workerId: string; leaseMs: number },
): Promise<ClaimedJobRow[]> {
  if (options.limit <= 0 || options.limited.length === 0) return Promise.resolve([]);
  const limited = [...options.limited].sort((a, b) => (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0));
  const jobIds = limited.map((definition) => definition.jobId);
  return sql.transaction(async (tx) => {
    await tx.query(LOCK_LIMITED, [jobIds], 'jobs_lock_limited');
    return tx.query<ClaimedJobRow>(
      CLAIM_LIMITED,
      [
        options.limit,
        jobIds,
        limited.map((definition) => definition.limit),
        options.workerId,
        options.leaseMs,
        limited.map((definition) => definition.throttle?.limit ?? 0),
        limited.map((definition) => definition.throttle?.periodMs ?? 0),
      ],
      'jobs_claim_limited',
    );
  });
}

// Jobs enqueued before their definition had a limit (or before concurrency keys were always set) have no key and so
// are invisible to the limited claim, while the plain claim now skips their definition: give them their key, as
// concurrencyKeyOf would have. Run once when a provider starts; a no-op (one scan of PENDING rows) after that.
const ADOPT_UNKEYED = `
  update background_jobs
     set concurrency_key = case when cardinality($2::text[]) = 0 then '' else coalesce(payload #>> $2::text[], '') end
   where status = 'PENDING' and concurrency_key is null and job_id = $1`;

export async function adoptUnkeyedLimitedJobs(sql: SqlClient, limited: readonly LimitedDefinition[]): Promise<void> {
  for (const definition of limited) await sql.query(ADOPT_UNKEYED, [definition.jobId, definition.keyPath]);
}
