// Runs claimed jobs and writes down what happened: completion (batched), retry with backoff, final failure,
// sleep. Keeps the leases of the jobs it holds alive with one renewal statement per interval for all of them.
import type { SqlClient } from '../../../db/client';
import type { JobEvent } from '../../event-type';
import { executeJob, LeaseLostError, type ExecuteOutcome } from '../../execute';
import type { JobLogger } from '../../logger';
import { runWithJobContext } from '../../log-context';
import type { JobRegistry } from '../../registry';
import type { ClaimedJobRow } from './sql/job-row';
import type { FailedJobReport } from '../../failure-report';
import { completeJobs, failJob } from '../postgres-store/finish-jobs';
import { MemoWriter } from '../postgres-store/memo-writer';
import { loadMemos } from '../postgres-store/memos';
import { parkJob } from './sql/finish-jobs';
import { renewLeases } from './sql/leases';
import type { WorkerSlots } from './worker-slots';

export interface JobRunnerOptions {
  sql: SqlClient;
  registry: JobRegistry;
  leaseMs: number;
  logger: JobLogger;
  now: () => Date;
  random?: () => number;
  dispatchFromStep(events: Array<{ name: string; data: unknown }>, dedupePrefix: string): Promise<string[]>;
  onFailure(report: FailedJobReport): Promise<void>;
}

/** Longest a finished job waits for its COMPLETED write when no claim carries it (measured: 20 ms keeps most
 * completions riding on claims under load, halving statements per job, while status stays fresh for people). */
const COMPLETION_FLUSH_MS = 20;

interface HeldJob {
  id: string;
  lockToken: string;
  /** The handler's return value, set when it completed: the batched completion writes it. */
  result?: unknown;
  /** performance.now() when this runner started the job (not when it was claimed): the recorded start time. */
  startedMono?: number;
}

export class JobRunner {
  private readonly held = new Map<string, HeldJob>();
  private renewTimer: NodeJS.Timeout | undefined;
  private pendingCompletions: HeldJob[] = [];
  private flushing: Promise<void> | undefined;
  private flushScheduled = false;
  /** Finished jobs whose last memos are still being written; each outcome is recorded once they are. */
  private readonly awaitingMemos = new Set<Promise<void>>();
  /**
   * Jobs handed back to the queue at shutdown whose handlers still run. Nothing more is written for them: the rows
   * are someone else's now (the writes would be fenced anyway), and the pool is about to close under them.
   */
  private readonly released = new WeakSet<HeldJob>();
  /** Step memos of every job this runner holds share commits (group commit); each step waits for its own. */
  private readonly memoWriter: MemoWriter;

  constructor(private readonly options: JobRunnerOptions) {
    this.memoWriter = new MemoWriter(options.sql);
  }

  get heldJobs(): HeldJob[] {
    return [...this.held.values()];
  }

  /** Holds a claimed job's lease (renewed with the others) before it starts, e.g. while it waits in a prefetch buffer. */
  hold(row: ClaimedJobRow): void {
    this.held.set(row.id, { id: row.id, lockToken: row.lock_token });
  }

  /** Shutdown: stops holding every job, marks them released (see `released`) and returns them for the release write. */
  releaseHeld(): HeldJob[] {
    const jobs = this.heldJobs;
    for (const job of jobs) this.released.add(job);
    this.held.clear();
    return jobs;
  }

  /** Stops holding a job that will not run here (released back to the queue). */
  unhold(id: string): void {
    this.held.delete(id);
  }

  startLeaseRenewal(): void {
    if (this.renewTimer) return;
    this.renewTimer = setInterval(() => void this.renewAll(), Math.max(50, Math.floor(this.options.leaseMs / 3)));
    this.renewTimer.unref?.();
  }

  stopLeaseRenewal(): void {
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }

  private async renewAll(): Promise<void> {
    const jobs = this.heldJobs;
    try {
      const still = await renewLeases(this.options.sql.relaxed, jobs, this.options.leaseMs);
      for (const job of jobs) {
        if (!still.has(job.id) && this.held.get(job.id) === job) {
          this.options.logger.warn({ jobId: job.id }, 'lease lost: the job was reclaimed; this run can no longer record results');
        }
      }
    } catch (error) {
      this.options.logger.warn({ err: error }, 'lease renewal failed; will try again');
    }
  }

  /**
   * Runs one claimed job to its outcome and persists it. Never throws. With `slots`, the job's code runs in the
   * caller's slot, which it lends to other jobs while it waits for a memo between steps (worker-slots.ts).
   */
  async run(row: ClaimedJobRow, slots?: WorkerSlots): Promise<ExecuteOutcome['kind'] | 'error'> {
    // The runner's own lines about this job (outcome, failure hook) carry its context too (log-context.ts).
    return runWithJobContext({ jobId: row.id, definition: row.job_id, attempt: row.attempts - 1 }, () => this.runInContext(row, slots));
  }

  private async runInContext(row: ClaimedJobRow, slots: WorkerSlots | undefined): Promise<ExecuteOutcome['kind'] | 'error'> {
    const job: HeldJob = { id: row.id, lockToken: row.lock_token, startedMono: performance.now() };
    this.held.set(job.id, job);
    const { logger } = this.options;
    let keepHolding = false;
    try {
      const outcome = await this.execute(row, job, logger, slots);
      if (this.released.has(job)) {
        logger.info({ outcome: outcome.kind }, 'released at shutdown: this run ended after its job went back to the queue; nothing recorded, it runs again');
        return 'lease-lost';
      }
      keepHolding = await this.persist(row, job, outcome, logger);
      return outcome.kind;
    } catch (error) {
      // The database failed while recording an outcome: the lease will lapse and another attempt will run.
      logger.error({ err: error }, 'could not record the job outcome; it will be retried after its lease');
      return 'error';
    } finally {
      if (!keepHolding && this.held.get(job.id) === job) this.held.delete(job.id);
    }
  }

  private async execute(row: ClaimedJobRow, job: HeldJob, logger: JobLogger, slots: WorkerSlots | undefined): Promise<ExecuteOutcome> {
    const { sql, registry } = this.options;
    const definition = registry.get(row.job_id);
    if (!definition) return { kind: 'failed', error: `No job definition "${row.job_id}" is registered in this process` };
    let data: unknown;
    try {
      data = registry.parsePayload(definition, row.payload);
    } catch (error) {
      return { kind: 'failed', error: (error as Error).message };
    }
    const event: JobEvent = {
      name: row.event_name,
      data,
      id: row.event_id ?? `job:${row.id}`,
      ts: new Date(row.created_at).getTime(),
    };
    return executeJob({
      definition,
      event,
      jobId: row.id,
      attempt: row.attempts - 1,
      maxAttempts: row.max_attempts,
      handBackUnsavedMemos: true,
      lendSlotWhile: slots && ((waiting) => slots.lendWhile(waiting)),
      memos: {
        load: () => {
          if (this.released.has(job)) return Promise.reject(new LeaseLostError(`Job ${row.id} was released at shutdown`));
          return row.has_memos ? loadMemos(sql, row.id) : Promise.resolve(new Map());
        },
        save: async (stepId, memo, timing) => {
          if (this.released.has(job)) throw new LeaseLostError(`Job ${row.id} was released at shutdown`);
          if (!(await this.memoWriter.save(job, stepId, memo, timing))) throw new LeaseLostError(`Job ${row.id} is no longer held by this worker`);
        },
      },
      dispatch: this.options.dispatchFromStep,
      now: this.options.now,
      random: this.options.random,
      logger,
    });
  }

  /** Writes the outcome; returns true when the job stays held until a batched completion is written. */
  private async persist(row: ClaimedJobRow, job: HeldJob, outcome: ExecuteOutcome, logger: JobLogger): Promise<boolean> {
    const { sql, now } = this.options;
    switch (outcome.kind) {
      case 'completed':
        if (outcome.whenMemosWritten) {
          this.recordOnceMemosWritten(row, job, outcome.whenMemosWritten, logger);
          return true;
        }
        // Set on the held object itself: its identity is what later says whether it is still held.
        job.result = outcome.output;
        this.complete(job);
        return true;
      case 'sleep':
        await parkJob(sql, job, Math.max(0, outcome.until.getTime() - now().getTime()));
        return false;
      case 'retry':
        await failJob(sql, job, { final: false, retryDelayMs: Math.max(0, outcome.at.getTime() - now().getTime()), error: outcome.error });
        return false;
      case 'failed':
        if (await failJob(sql, job, { final: true, retryDelayMs: 0, error: outcome.error })) {
          await this.options
            .onFailure({ jobId: row.id, definitionId: row.job_id, eventName: row.event_name, error: outcome.error, attempts: row.attempts })
            .catch((error) => logger.error({ err: error }, 'failure hook failed'));
        }
        return false;
      case 'lease-lost':
        logger.warn({}, 'stopped a run whose lease was lost; the job continues elsewhere');
        return false;
    }
  }

  /**
   * Completions are batched and written in the background, so the worker slot is free at once. Usually the
   * worker's next claim carries them (complete-and-claim, one statement); if no claim comes within
   * COMPLETION_FLUSH_MS they are written on their own. Until written the job stays held (its lease renewed); a
   * crash before the write means the job runs again (at least once), its completed steps still memoized.
   */
  private complete(job: HeldJob): void {
    this.pendingCompletions.push(job);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setTimeout(() => void this.flushCompletions(), COMPLETION_FLUSH_MS).unref?.();
    }
  }

  /**
   * The handler returned while its last steps' memos were still being committed: the slot is free now, and the
   * outcome is recorded once they are written, so a job is never COMPLETED without its steps' records. A memo the
   * database refuses makes the attempt a failed one (retried or failed for good, with that error), a fenced one
   * leaves the job to the worker that holds it now.
   */
  private recordOnceMemosWritten(row: ClaimedJobRow, job: HeldJob, whenMemosWritten: Promise<ExecuteOutcome>, logger: JobLogger): void {
    const recorded = whenMemosWritten
      .then(async (outcome) => {
        if (this.released.has(job)) return;
        if (!(await this.persist(row, job, outcome, logger)) && this.held.get(job.id) === job) this.held.delete(job.id);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'could not record the job outcome; it will be retried after its lease');
        if (this.held.get(job.id) === job) this.held.delete(job.id);
      });
    this.awaitingMemos.add(recorded);
    void recorded.finally(() => this.awaitingMemos.delete(recorded));
  }

  /** Writes every pending completion now (after any last memos still in flight); resolves when they are written. */
  async flushCompletions(): Promise<void> {
    await Promise.all(this.awaitingMemos);
    this.flushScheduled = false;
    // One write at a time; a caller returns only once everything pending when it called is written, including a
    // batch another caller started (shutdown must not exit under a write in progress).
    while (this.flushing || this.pendingCompletions.length) {
      if (this.flushing) {
        await this.flushing;
        continue;
      }
      const batch = this.pendingCompletions;
      this.pendingCompletions = [];
      this.flushing = this.writeCompletions(batch).finally(() => (this.flushing = undefined));
    }
  }

  /** Hands the pending completions to a caller that writes them in its own statement (complete-and-claim). */
  takeCompletions(): HeldJob[] {
    const batch = this.pendingCompletions;
    this.pendingCompletions = [];
    return batch;
  }

  /** Reports how a batch taken with takeCompletions() went: written (ids done), or failed (queued again). */
  completionsWritten(batch: HeldJob[], done: Set<string> | 'failed'): void {
    if (done === 'failed') {
      this.pendingCompletions.push(...batch);
      return;
    }
    for (const job of batch) {
      if (!done.has(job.id)) this.options.logger.warn({ jobId: job.id }, 'completion refused: the lease was lost before it was recorded');
      if (this.held.get(job.id) === job) this.held.delete(job.id);
    }
  }

  private async writeCompletions(batch: HeldJob[]): Promise<void> {
    try {
      const done = await completeJobs(this.options.sql.relaxed, batch);
      for (const job of batch) {
        if (!done.has(job.id)) this.options.logger.warn({ jobId: job.id }, 'completion refused: the lease was lost before it was recorded');
      }
    } catch (error) {
      this.options.logger.error({ err: error, jobs: batch.length }, 'could not record completions; those jobs will run again after their lease');
    } finally {
      for (const job of batch) if (this.held.get(job.id) === job) this.held.delete(job.id);
    }
  }
}
