// Worker mode: a loop that claims due jobs in batches and runs them, woken by NOTIFY on insert, by a finished job,
// or by the poll timer (the fallback when a notification is lost). It never spins: with nothing claimable it waits
// for one of those wake-ups. The poll timer also reclaims jobs whose lease lapsed.
//
// Throughput: claims run ahead of the slots by a prefetch buffer (up to the concurrency again), so a finished
// job's slot is refilled from memory, not after a round trip; the buffer is refilled only once half the
// concurrency is free, so each claim statement carries several jobs, and it also carries the completions written
// since the last one (complete-and-claim). Measured on 2 cores, 10,000 no-op jobs, concurrency 10: 1,768 jobs/s
// claiming per free slot with a completion statement per job batch; ~7,000–9,000 jobs/s like this. Buffered jobs
// are leased like running ones and go back to the queue at once on shutdown.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { SqlClient } from '../../../db/client';
import type { JobLogger } from '../../logger';
import type { JobRegistry } from '../../registry';
import type { JobRunner } from './job-runner';
import { ClaimBatch, limitedDefinitions, type LimitedDefinition } from './claim-batch';
import { adoptUnkeyedLimitedJobs } from './sql/claim-limited-jobs';
import { releaseJobs } from './sql/finish-jobs';
import { JOBS_CHANNEL, type ClaimedJobRow } from './sql/job-row';
import { reclaimExpiredJobs, type ReclaimedJob } from './sql/leases';
import { WorkerSlots } from './worker-slots';

export interface WorkerOptions {
  sql: SqlClient;
  registry: JobRegistry;
  runner: JobRunner;
  concurrency: number;
  leaseMs: number;
  pollIntervalMs: number;
  logger: JobLogger;
  onReclaimedFailure?(jobs: ReclaimedJob[]): Promise<void>;
}

/**
 * Lets timers and I/O run before the next claim. On PGlite every query settles as a microtask, so a loop that goes
 * straight on while claims come back full would starve the event loop for the whole drain: timers (a handler's
 * sleep, lease renewal) and, in the one-process default, HTTP requests would wait until the backlog is gone.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Jobs one worker holds at most (started or buffered), per slot. Jobs waiting for a memo between steps hold no slot
 * (worker-slots.ts), so without a bound a worker of multi-step jobs would claim without end; the more it holds, the
 * more memos share each commit. Measured on 2 cores, 20,000 three-step jobs at concurrency 10 (2026-12-04, three
 * runs each): 6 per slot 4,600–5,500 jobs/s, 8 5,300–5,500, 12 5,300–6,000, 16 4,900–6,400; 8 keeps what a crash can
 * re-run (one step per held job whose memo was not yet committed) smaller for the same throughput.
 */
const MAX_HELD_PER_SLOT = 8;

/** How often a worker looks for unkeyed jobs of limited definitions (one UPDATE per such definition). */
const ADOPT_EVERY_MS = 5_000;

export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export class LocalWorker {
  readonly workerId = newWorkerId();
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly buffer: ClaimedJobRow[] = [];
  private stopping = false;
  private loopDone: Promise<void> | undefined;
  private wakeRequested = false;
  private wakeWaiter: (() => void) | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | null = null;
  private readonly claims: ClaimBatch;
  private readonly slots: WorkerSlots;
  private failureDelayMs = 0;
  private readonly limited: LimitedDefinition[];
  /** Start-up keys them once (LocalProvider.start); the poll timer looks again from then on. */
  private lastAdoptAt = Date.now();

  constructor(private readonly options: WorkerOptions) {
    this.limited = limitedDefinitions(options.registry);
    this.slots = new WorkerSlots(options.concurrency, () => {
      this.startBuffered();
      this.wake();
    });
    this.claims = new ClaimBatch(options.sql, this.limited, { workerId: this.workerId, leaseMs: options.leaseMs });
  }

  async start(): Promise<void> {
    const { sql, logger } = this.options;
    this.unlisten = await sql.listen(JOBS_CHANNEL, () => this.wake()).catch((error) => {
      logger.warn({ err: error }, 'LISTEN unavailable; relying on polling');
      return null;
    });
    this.options.runner.startLeaseRenewal();
    this.pollTimer = setInterval(() => {
      this.wake();
      void this.reclaim();
      void this.adoptUnkeyed();
    }, this.options.pollIntervalMs);
    this.loopDone = this.loop();
    logger.info({ workerId: this.workerId, concurrency: this.options.concurrency }, 'job worker started');
  }

  /** Stops claiming; waits up to `timeoutMs` for running jobs, then releases the rest back to PENDING. */
  async stop(timeoutMs: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.wake();
    await this.loopDone;
    await this.unlisten?.().catch(() => {});
    // Claimed but never started: back to the queue at once, their attempt given back.
    const unstarted = this.buffer.splice(0);
    for (const row of unstarted) this.options.runner.unhold(row.id);
    await releaseJobs(this.options.sql, unstarted.map((row) => ({ id: row.id, lockToken: row.lock_token }))).catch(() => 0);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const result = await Promise.race([Promise.allSettled(this.inFlight.values()).then(() => 'done' as const), timedOut]);
    clearTimeout(timer);
    await this.options.runner.flushCompletions();
    this.options.runner.stopLeaseRenewal();
    if (result === 'timeout') {
      // Marked released before the write, so a handler finishing meanwhile records nothing over the closing pool.
      const released = await releaseJobs(this.options.sql, this.options.runner.releaseHeld()).catch(() => 0);
      this.options.logger.warn({ released }, 'shutdown timeout: released running jobs back to the queue');
    }
    this.options.logger.info({ workerId: this.workerId }, 'job worker stopped');
  }

  get runningCount(): number {
    return this.inFlight.size;
  }

  wake(): void {
    this.wakeRequested = true;
    this.wakeWaiter?.();
  }

  private waitForWake(): Promise<void> {
    if (this.wakeRequested) return Promise.resolve();
    return new Promise((resolve) => (this.wakeWaiter = resolve));
  }

  private async loop(): Promise<void> {
    const { concurrency } = this.options;
    const pipeline = 2 * concurrency;
    const maxHeld = MAX_HELD_PER_SLOT * concurrency;
    const minimumBatch = Math.max(1, Math.ceil(concurrency / 2));
    while (!this.stopping) {
      this.wakeRequested = false;
      this.wakeWaiter = undefined;
      this.startBuffered();
      // Up to the slots again beyond those in use; never more jobs held than maxHeld.
      const want = Math.min(pipeline - this.slots.inUse, maxHeld - this.inFlight.size) - this.buffer.length;
      const idle = this.inFlight.size === 0 && this.buffer.length === 0;
      let claimed: ClaimedJobRow[] = [];
      if (want >= minimumBatch || (idle && want > 0)) {
        try {
          claimed = await this.claim(want);
          this.failureDelayMs = 0;
        } catch (error) {
          // The database is away (restart, network): back off, keep the process alive, try again.
          this.failureDelayMs = Math.min(Math.max(this.failureDelayMs * 2, 100), 5000);
          this.options.logger.warn({ err: error, retryInMs: this.failureDelayMs }, 'claiming jobs failed');
          await new Promise((resolve) => setTimeout(resolve, this.failureDelayMs));
          continue;
        }
        for (const row of claimed) this.options.runner.hold(row);
        this.buffer.push(...claimed);
        this.startBuffered();
        // A full batch means more may be waiting: go again at once.
        if (claimed.length === want && !this.stopping) {
          await yieldToEventLoop();
          continue;
        }
      }
      await this.waitForWake();
    }
  }

  private startBuffered(): void {
    while (this.buffer.length && !this.stopping && this.slots.tryTake()) this.track(this.buffer.shift()!);
  }

  private async claim(free: number): Promise<ClaimedJobRow[]> {
    const { runner } = this.options;
    const completed = runner.takeCompletions();
    try {
      const { claimed, done } = await this.claims.claim(free, completed);
      if (completed.length) runner.completionsWritten(completed, done ?? 'failed');
      return claimed;
    } catch (error) {
      runner.completionsWritten(completed, 'failed');
      throw error;
    }
  }

  private track(row: ClaimedJobRow): void {
    const run = this.options.runner.run(row, this.slots).finally(() => {
      this.inFlight.delete(row.id);
      this.slots.give();
      if (this.claims.isLimited(row.job_id)) this.claims.limitedSlotFreed();
      this.wake();
    });
    this.inFlight.set(row.id, run);
  }

  /**
   * Jobs of a limited or throttled definition enqueued without a key (by a process whose definition had no limit
   * yet, during a rolling deploy, or by hand in SQL) are invisible to both claims until they get one: look for them
   * every ADOPT_EVERY_MS, not only at start-up.
   */
  private async adoptUnkeyed(): Promise<void> {
    const now = Date.now();
    if (this.limited.length === 0 || now - this.lastAdoptAt < ADOPT_EVERY_MS) return;
    this.lastAdoptAt = now;
    try {
      await adoptUnkeyedLimitedJobs(this.options.sql, this.limited);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not key the unkeyed jobs of limited definitions; will try again');
    }
  }

  private async reclaim(): Promise<void> {
    try {
      const reclaimed = await reclaimExpiredJobs(this.options.sql.relaxed);
      if (reclaimed.length === 0) return;
      this.options.logger.warn({ count: reclaimed.length }, 'reclaimed jobs whose lease expired');
      const failed = reclaimed.filter((job) => job.status === 'FAILED');
      if (failed.length) await this.options.onReclaimedFailure?.(failed);
      this.wake();
    } catch (error) {
      this.options.logger.warn({ err: error }, 'reclaim sweep failed');
    }
  }
}
