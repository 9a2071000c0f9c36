// The one claim path of the local provider (worker loop, /api/cron/tick, /api/jobs/run). Jobs of definitions with a
// concurrency limit or a throttle are claimed first, within their limits, whenever the previous claim saw any of them due; the
// plain statement fills the rest of the room in run_at order and carries the completions. So a backlog of unlimited
// jobs can no longer hold a signing invitation back (the old path only topped up the room the backlog left: none),
// and the limit's transaction is paid only while limited jobs are waiting.
import type { SqlClient } from '../../../db/client';
import type { JobRegistry } from '../../registry';
import type { Completion } from '../postgres-store/finish-jobs';
import { claimJobs, completeAndClaimJobs } from './sql/claim-jobs';
import { claimLimitedJobs, type LimitedDefinition } from './sql/claim-limited-jobs';
import type { ClaimedJobRow } from './sql/job-row';

export type { LimitedDefinition };

/** No concurrency limit: the count that never binds, for throttled definitions without one. */
const UNLIMITED_RUNNING = 2_147_483_647;

export function limitedDefinitions(registry: JobRegistry): LimitedDefinition[] {
  return registry.definitions
    .filter((definition) => definition.concurrency || definition.throttle)
    .map((definition) => ({
      jobId: definition.id,
      limit: definition.concurrency?.limit ?? UNLIMITED_RUNNING,
      // `event.data.a.b` -> ['a', 'b']: the same path concurrencyKeyOf follows.
      keyPath: (definition.concurrency?.key ?? definition.throttle?.key)?.split('.').slice(2) ?? [],
      throttle: definition.throttle ? { limit: definition.throttle.limit, periodMs: definition.throttle.periodMs } : undefined,
    }));
}

/**
 * After a limited claim that found nothing claimable (every key at its limit), skip the limited statement for
 * this long unless a limited job finishes here: a full limit must not cost every claim a transaction. Bounds the
 * extra wait of a limited job freed by another worker.
 */
const SATURATED_RECHECK_MS = 100;

export class ClaimBatch {
  private readonly limitedIds: string[];
  /** Until the first plain claim says otherwise, assume limited work may be due. */
  private limitedDue: boolean;
  private skipLimitedUntil = 0;
  /** The last plain claim came back full: unlimited work is waiting too, so limited jobs get half the room. */
  private unlimitedBacklog = false;

  constructor(
    private readonly sql: SqlClient,
    private readonly limited: readonly LimitedDefinition[],
    private readonly options: { workerId: string; leaseMs: number; now?: () => number },
  ) {
    this.limitedIds = limited.map((definition) => definition.jobId);
    this.limitedDue = limited.length > 0;
  }

  /** A limited job finished in this process: its slot is free, so look again at once. */
  limitedSlotFreed(): void {
    this.skipLimitedUntil = 0;
  }

  isLimited(jobId: string): boolean {
    return this.limitedIds.includes(jobId);
  }

  /**
   * Claims up to `room` jobs; `completed` are written in the same statement as the plain claim. Limited jobs get up
   * to half the room while unlimited work is also waiting, all of it otherwise; their limits bound them anyway.
   */
  async claim(
    room: number,
    completed: ReadonlyArray<Completion> = [],
  ): Promise<{ claimed: ClaimedJobRow[]; done: Set<string> | 'failed' | undefined }> {
    const { workerId, leaseMs } = this.options;
    const now = (this.options.now ?? Date.now)();
    let limitedRows: ClaimedJobRow[] = [];
    if (this.limitedDue && now >= this.skipLimitedUntil) {
      const share = this.unlimitedBacklog ? Math.ceil(room / 2) : room;
      limitedRows = await claimLimitedJobs(this.sql, { limit: share, limited: this.limited, workerId, leaseMs });
      if (limitedRows.length === 0) this.skipLimitedUntil = now + SATURATED_RECHECK_MS;
    }
    const plainRoom = room - limitedRows.length;
    if (plainRoom === 0 && completed.length === 0) return { claimed: limitedRows, done: undefined };
    const options = { limit: plainRoom, workerId, leaseMs, excludeJobIds: this.limitedIds };
    let plain: Awaited<ReturnType<typeof claimJobs>> & { done?: Set<string> };
    try {
      plain = completed.length ? await completeAndClaimJobs(this.sql.relaxed, { ...options, completed }) : await claimJobs(this.sql.relaxed, options);
    } catch (error) {
      // The limited jobs are ours (leased): run them; the completions are written again with the next claim.
      if (limitedRows.length) return { claimed: limitedRows, done: completed.length ? 'failed' : undefined };
      throw error;
    }
    this.limitedDue = plain.limitedDue;
    this.unlimitedBacklog = plainRoom > 0 && plain.claimed.length === plainRoom;
    return { claimed: [...limitedRows, ...plain.claimed], done: plain.done };
  }
}
