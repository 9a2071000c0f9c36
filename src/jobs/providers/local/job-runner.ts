// Runs claimed jobs and writes down what happened: completion (batched), retry with backoff, final failure,
// sleep. Keeps the leases of the jobs it holds alive with one renewal statement per interval for all of them.
import type { SqlClient } from '../../../db/client';
import type { JobEvent } from '../../event-type';
import { executeJob, LeaseLostError, type ExecuteOutcome } from '../../execute';
import type { JobLogger } from '../../logger';
import type { JobRegistry } from '../../registry';
import type { ClaimedJobRow } from './sql/job-row';
import { completeJobs, failJob, parkJob } from './sql/finish-jobs';
import { renewLeases } from './sql/leases';
import { loadMemos, saveMemo } from './sql/memos';

export interface FailedJobReport {
  jobId: string;
  definitionId: string;
  eventName: string;
  error: string;
  attempts: number;
}

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

interface HeldJob {
  id: string;
  lockToken: string;
}

export class JobRunner {
  private readonly held = new Map<string, HeldJob>();
  private renewTimer: NodeJS.Timeout | undefined;
  private pendingCompletions: Array<HeldJob & { resolve(): void; reject(error: unknown): void }> = [];
  private flushScheduled = false;

  constructor(private readonly options: JobRunnerOptions) {}

  get heldJobs(): HeldJob[] {
    return [...this.held.values()];
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
      const still = await renewLeases(this.options.sql, jobs, this.options.leaseMs);
      for (const job of jobs) {
        if (!still.has(job.id) && this.held.get(job.id) === job) {
          this.options.logger.warn({ jobId: job.id }, 'lease lost: the job was reclaimed; this run can no longer record results');
        }
      }
    } catch (error) {
      this.options.logger.warn({ err: error }, 'lease renewal failed; will try again');
    }
  }

  /** Runs one claimed job to its outcome and persists it. Never throws. */
  async run(row: ClaimedJobRow): Promise<ExecuteOutcome['kind'] | 'error'> {
    const job: HeldJob = { id: row.id, lockToken: row.lock_token };
    this.held.set(job.id, job);
    const logger = this.options.logger.child({ jobId: row.id, job: row.job_id });
    try {
      const outcome = await this.execute(row, job, logger);
      await this.persist(row, job, outcome, logger);
      return outcome.kind;
    } catch (error) {
      // The database failed while recording an outcome: the lease will lapse and another attempt will run.
      logger.error({ err: error }, 'could not record the job outcome; it will be retried after its lease');
      return 'error';
    } finally {
      if (this.held.get(job.id) === job) this.held.delete(job.id);
    }
  }

  private async execute(row: ClaimedJobRow, job: HeldJob, logger: JobLogger): Promise<ExecuteOutcome> {
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
      id: row.dedupe_key ?? `job:${row.id}`,
      ts: new Date(row.created_at).getTime(),
    };
    return executeJob({
      definition,
      event,
      jobId: row.id,
      attempt: row.attempts - 1,
      maxAttempts: row.max_attempts,
      memos: {
        load: () => loadMemos(sql, row.id),
        save: async (stepId, memo) => {
          if (!(await saveMemo(sql, job, stepId, memo))) throw new LeaseLostError(`Job ${row.id} is no longer held by this worker`);
        },
      },
      dispatch: this.options.dispatchFromStep,
      now: this.options.now,
      random: this.options.random,
      logger,
    });
  }

  private async persist(row: ClaimedJobRow, job: HeldJob, outcome: ExecuteOutcome, logger: JobLogger): Promise<void> {
    const { sql, now } = this.options;
    switch (outcome.kind) {
      case 'completed':
        await this.complete(job);
        return;
      case 'sleep':
        await parkJob(sql, job, Math.max(0, outcome.until.getTime() - now().getTime()));
        return;
      case 'retry':
        await failJob(sql, job, { final: false, retryDelayMs: Math.max(0, outcome.at.getTime() - now().getTime()), error: outcome.error });
        return;
      case 'failed':
        if (await failJob(sql, job, { final: true, retryDelayMs: 0, error: outcome.error })) {
          await this.options
            .onFailure({ jobId: row.id, definitionId: row.job_id, eventName: row.event_name, error: outcome.error, attempts: row.attempts })
            .catch((error) => logger.error({ err: error }, 'failure hook failed'));
        }
        return;
      case 'lease-lost':
        logger.warn({}, 'stopped a run whose lease was lost; the job continues elsewhere');
        return;
    }
  }

  /**
   * Completions are batched: every job finishing within the same turn of the event loop is marked COMPLETED by
   * one statement. Resolves once this job's row is written.
   */
  private complete(job: HeldJob): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pendingCompletions.push({ ...job, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => void this.flushCompletions());
      }
    });
  }

  private async flushCompletions(): Promise<void> {
    const batch = this.pendingCompletions;
    this.pendingCompletions = [];
    this.flushScheduled = false;
    try {
      const done = await completeJobs(this.options.sql, batch);
      for (const job of batch) {
        if (!done.has(job.id)) this.options.logger.warn({ jobId: job.id }, 'completion refused: the lease was lost before it was recorded');
        job.resolve();
      }
    } catch (error) {
      for (const job of batch) job.reject(error);
    }
  }
}
