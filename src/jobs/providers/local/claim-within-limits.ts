// Definitions with a concurrency limit are never taken by the plain claim statements; every claiming path (worker
// loop, /api/cron/tick, /api/jobs/run) tops up through claimLimitedJobs, which holds the limit across processes.
import type { SqlClient } from '../../../db/client';
import type { JobRegistry } from '../../registry';
import { claimLimitedJobs } from './sql/claim-limited-jobs';
import type { ClaimedJobRow } from './sql/job-row';

export interface LimitedDefinition {
  jobId: string;
  limit: number;
}

export function limitedDefinitions(registry: JobRegistry): LimitedDefinition[] {
  return registry.definitions
    .filter((definition) => definition.concurrency)
    .map((definition) => ({ jobId: definition.id, limit: definition.concurrency!.limit }));
}

/** Adds jobs of limited definitions to `rows` until `limit` jobs are claimed in all, each definition within its limit. */
export async function claimWithinLimits(
  sql: SqlClient,
  rows: ClaimedJobRow[],
  options: { limit: number; limited: readonly LimitedDefinition[]; workerId: string; leaseMs: number },
): Promise<ClaimedJobRow[]> {
  for (const { jobId, limit } of options.limited) {
    const room = options.limit - rows.length;
    if (room <= 0) break;
    rows.push(...(await claimLimitedJobs(sql, { jobId, limit: room, concurrencyLimit: limit, workerId: options.workerId, leaseMs: options.leaseMs })));
  }
  return rows;
}
