// rateLimit: of the jobs an enqueue would create for rate-limited definitions, admit only as many per (definition,
// key) as the last period leaves room for; the rest are skipped (rateLimit is for work where only the latest
// matters). Exact across processes: a transaction-scoped advisory lock per (definition, key), taken in sorted order
// (no deadlocks), then the count in a statement of its own, so its snapshot sees every admission committed by the
// previous holder. Each admission is logged in background_job_rate_log ('accept'), counted through its lookup index.
// Runs on the enqueue's Drizzle handle, inside the caller's transaction when there is one.
import { sql } from 'drizzle-orm';
import { executeRows, type Database } from '../../../../db/client';

export interface RateLimitedJob {
  jobId: string;
  rateKey: string;
  limit: number;
  periodMs: number;
}

/** Returns, for each input job in order, whether it is admitted. Call inside a transaction. */
export async function admitRateLimited(db: Database, jobs: readonly RateLimitedJob[]): Promise<boolean[]> {
  if (jobs.length === 0) return [];
  const groups = [...new Map(jobs.map((job) => [`${job.jobId}\u0000${job.rateKey}`, job])).values()].sort((a, b) =>
    a.jobId === b.jobId ? compare(a.rateKey, b.rateKey) : compare(a.jobId, b.jobId),
  );
  const jobIds = sql.param(groups.map((group) => group.jobId));
  const keys = sql.param(groups.map((group) => group.rateKey));
  await executeRows(db, sql`
    select pg_advisory_xact_lock(hashtext('background_jobs:rate-limit:' || job_id || ':' || rate_key))
      from unnest(${jobIds}::text[], ${keys}::text[]) as t(job_id, rate_key)`);
  const counts = await executeRows<{ job_id: string; rate_key: string; n: number }>(db, sql`
    select t.job_id, t.rate_key,
           (select count(*) from background_job_rate_log s
             where s.job_id = t.job_id and s.kind = 'accept' and s.rate_key = t.rate_key
               and s.at > now() - t.period_ms * interval '1 millisecond')::int as n
      from unnest(${jobIds}::text[], ${keys}::text[], ${sql.param(groups.map((group) => group.periodMs))}::float8[]) as t(job_id, rate_key, period_ms)`);
  const used = new Map(counts.map((row) => [`${row.job_id}\u0000${row.rate_key}`, Number(row.n)]));
  const admitted = jobs.map((job) => {
    const group = `${job.jobId}\u0000${job.rateKey}`;
    const n = used.get(group) ?? 0;
    if (n >= job.limit) return false;
    used.set(group, n + 1);
    return true;
  });
  const accepted = jobs.filter((_, index) => admitted[index]);
  if (accepted.length) {
    await executeRows(db, sql`
      insert into background_job_rate_log (job_id, kind, rate_key)
      select job_id, 'accept', rate_key
        from unnest(${sql.param(accepted.map((job) => job.jobId))}::text[], ${sql.param(accepted.map((job) => job.rateKey))}::text[]) as t(job_id, rate_key)`);
  }
  return admitted;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Hourly with the retention sweep: entries older than their definition's period can no longer count. Entries no
// rule here names (a definition removed, or its throttle or rate limit taken away) are kept `orphanMs` more: in a
// rolling deploy a process of the previous version may still count them.
export async function pruneRateLog(
  db: Database,
  rules: ReadonlyArray<{ jobId: string; kind: 'start' | 'accept'; periodMs: number }>,
  orphanMs: number,
): Promise<number> {
  const rows = await executeRows<{ deleted: number }>(db, sql`
    with rules as (
      select * from unnest(${sql.param(rules.map((rule) => rule.jobId))}::text[], ${sql.param(rules.map((rule) => rule.kind))}::text[],
                           ${sql.param(rules.map((rule) => rule.periodMs))}::float8[]) as r(job_id, kind, period_ms)
    ),
    gone as (
      delete from background_job_rate_log s
       where s.at < now() - coalesce((select r.period_ms from rules r where r.job_id = s.job_id and r.kind = s.kind limit 1),
                                     ${orphanMs}::float8) * interval '1 millisecond'
      returning 1
    )
    select count(*)::int as deleted from gone`);
  return Number(rows[0]?.deleted ?? 0);
}
