// The local provider: jobs in PostgreSQL (embedded PGlite or a server). Worker mode runs a claim loop and the
// cron scheduler in this process; serverless mode enqueues, self-dispatches a signed call to /api/jobs/run, and
// relies on /api/cron/tick for cron slots and due retries.
import type { DatabaseHandle } from '../../../db/client';
import { cronSlotKey } from '../../cron';
import { toMilliseconds } from '../../duration';
import { EnqueueError, postgresWriteOutcome } from '../../errors';
import { planCancellations, planCronJob, planJobs, type PlannedCancellation, type PlannedJob } from '../../fan-out';
import type { JobLogger } from '../../logger';
import type { JobRegistry } from '../../registry';
import { CronScheduler } from '../../scheduler';
import type { DispatchOptions, EventToDispatch, JobProvider, OnDemandRunner, ProviderReadiness } from '../types';
import type { JobInspector } from '../inspection';
import type { FailedJobReport } from '../../failure-report';
import { JobRunner } from './job-runner';
import { LocalInspector } from './local-inspector';
import { selfDispatch } from './self-dispatch';
import { claimJobById } from './sql/claim-jobs';
import { adoptUnkeyedLimitedJobs, claimLimitedJobs } from './sql/claim-limited-jobs';
import { deleteCompletedJobs } from './sql/delete-completed-jobs';
import { enqueueJobs } from './enqueue';
import { pruneRateLog } from './sql/admit-rate-limited';
import { rollUpJobStats } from './sql/job-stats';
import { reclaimExpiredJobs, type ReclaimedJob } from './sql/leases';
import { ClaimBatch, limitedDefinitions, type LimitedDefinition } from './claim-batch';
import { DatabaseClock } from './database-clock';
import { LocalWorker, newWorkerId } from './worker';

export interface LocalProviderOptions {
  database: DatabaseHandle;
  registry: JobRegistry;
  mode: 'worker' | 'serverless';
  concurrency: number;
  leaseMs: number;
  pollIntervalMs: number;
  retentionDays: number;
  logger: JobLogger;
  onFailure(report: FailedJobReport): Promise<void>;
  /** Serverless mode: where /api/jobs/run is, the HMAC secret, and Vercel's waitUntil. */
  selfDispatch?: { baseUrl: string; secret: string; waitUntil?: (promise: Promise<unknown>) => void; timeoutMs?: number };
  now?: () => Date;
  random?: () => number;
  scheduler?: { intervalMs?: number; jitterMs?: number };
}

const RETENTION_EVERY_MS = 60 * 60 * 1000;

/** What background_job_rate_log holds per definition, and for how long an entry can still count. */
function rateLogRules(registry: JobRegistry) {
  return registry.definitions.flatMap((definition) => [
    ...(definition.throttle ? [{ jobId: definition.id, kind: 'start' as const, periodMs: definition.throttle.periodMs }] : []),
    ...(definition.rateLimit ? [{ jobId: definition.id, kind: 'accept' as const, periodMs: definition.rateLimit.periodMs }] : []),
  ]);
}

export class LocalProvider implements JobProvider {
  readonly name = 'local' as const;
  readonly supportsTransactionalDispatch = true;
  /** /api/jobs/run and /api/cron/tick: how serverless mode runs jobs, and a manual fallback in worker mode. */
  readonly onDemand: OnDemandRunner = {
    runJobById: (id) => this.runJobById(id),
    tick: (budgetMs) => this.tick(budgetMs),
  };
  /** The operators' views and actions (dashboard, CLI), in SQL over the same tables. */
  readonly inspector: JobInspector;
  readonly runner: JobRunner;
  readonly scheduler: CronScheduler;
  private worker: LocalWorker | undefined;
  private lastRetentionAt = 0;
  private adopted: Promise<void> | undefined;
  private readonly now: () => Date;
  private readonly limited: LimitedDefinition[];

  private readonly databaseClock: DatabaseClock | undefined;

  constructor(private readonly options: LocalProviderOptions) {
    this.databaseClock = options.now ? undefined : new DatabaseClock(options.database.sql);
    this.now = options.now ?? this.databaseClock!.now;
    this.limited = limitedDefinitions(options.registry);
    this.inspector = new LocalInspector(options.database);
    this.runner = new JobRunner({
      sql: options.database.sql,
      registry: options.registry,
      leaseMs: options.leaseMs,
      logger: options.logger,
      now: this.now,
      random: options.random,
      dispatchFromStep: (events, dedupePrefix) =>
        this.dispatch(
          options.registry.validate(events).map((event, index) => ({ ...event, id: `${dedupePrefix}:${index}` })),
          {},
        ),
      onFailure: options.onFailure,
    });
    this.scheduler = new CronScheduler({
      definitions: options.registry.cronDefinitions,
      enqueueSlot: async (definition, slot) => {
        await this.enqueue([planCronJob(definition, slot, cronSlotKey(definition.id, slot))], {});
      },
      now: this.now,
      random: options.random,
      intervalMs: options.scheduler?.intervalMs,
      jitterMs: options.scheduler?.jitterMs,
      logger: options.logger,
      onTick: async () => {
        // Before the retention sweep: an hour is counted before its jobs can be deleted.
        await this.rollUpStats().catch((error) => options.logger.warn({ err: error }, 'could not roll up job metrics; will try again'));
        await this.sweepRetention();
      },
    });
  }

  async dispatch(events: readonly EventToDispatch[], options: Omit<DispatchOptions, 'id'>): Promise<string[]> {
    const { registry } = this.options;
    return this.enqueue(planJobs(registry, events, options.priority), options, planCancellations(registry, events));
  }

  private async enqueue(planned: PlannedJob[], options: Omit<DispatchOptions, 'id'>, cancellations: PlannedCancellation[] = []): Promise<string[]> {
    const delayMs = options.delay === undefined ? 0 : toMilliseconds(options.delay);
    let ids: string[];
    try {
      ids = await enqueueJobs(options.tx?.db ?? this.options.database.db, planned, { delayMs, cancellations });
    } catch (error) {
      // Inside the caller's transaction the caller sees its own failure; outside it, say plainly what happened.
      if (options.tx) throw error;
      throw new EnqueueError('PostgreSQL', planned.length, error, postgresWriteOutcome(error));
    }
    const { selfDispatch: target } = this.options;
    if (this.options.mode === 'serverless' && target && delayMs === 0) {
      // Inside a transaction the rows are invisible to /api/jobs/run until the commit: call it only then.
      const call = () => selfDispatch(ids, { ...target, logger: this.options.logger });
      if (options.tx) options.tx.afterCommit(call);
      else call();
    }
    return ids;
  }

  async checkReadiness(): Promise<ProviderReadiness> {
    if (this.options.mode === 'worker') return { ready: true, detail: `jobs are claimed from ${this.options.database.driver === 'pglite' ? 'the embedded database' : 'PostgreSQL'} by worker processes` };
    if (!this.options.selfDispatch) return { ready: false, detail: 'serverless mode needs JOBS_SIGNING_SECRET to call /api/jobs/run' };
    // No URL here: the health body is public, and INTERNAL_WEBAPP_URL may name a host meant to stay internal.
    return { ready: true, detail: 'serverless: jobs run through signed calls to /api/jobs/run, and /api/cron/tick' };
  }

  /** Worker mode: start the claim loop and the cron scheduler in this process. */
  async start(): Promise<void> {
    if (this.worker || this.options.mode !== 'worker') return;
    await this.adoptUnkeyedLimitedJobs();
    this.worker = new LocalWorker({
      sql: this.options.database.sql,
      registry: this.options.registry,
      runner: this.runner,
      concurrency: this.options.concurrency,
      leaseMs: this.options.leaseMs,
      pollIntervalMs: this.options.pollIntervalMs,
      logger: this.options.logger,
      onReclaimedFailure: (jobs) => this.reportReclaimedFailures(jobs),
    });
    await this.worker.start();
    await this.databaseClock?.measure().catch((error) => this.options.logger.warn({ err: error }, 'could not read the database clock'));
    this.scheduler.start();
  }

  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    this.scheduler.stop();
    await this.worker?.stop(options.timeoutMs ?? 25_000);
    this.worker = undefined;
  }

  /** Serverless: run the job a signed /api/jobs/run call names, if it is still claimable. */
  async runJobById(id: string): Promise<'ran' | 'not-found' | 'not-claimable'> {
    const { sql } = this.options.database;
    const [found] = await sql.query<{ job_id: string }>('select job_id from background_jobs where id = $1', [id]);
    if (!found) return 'not-found';
    const limited = this.limited.find((definition) => definition.jobId === found.job_id);
    const workerId = newWorkerId();
    // A limited definition's job is claimed only within its limit: this may run an older job of the same
    // definition first, or nothing (409) while the limit is full; the tick or a later call runs the rest.
    const row = limited
      ? (await claimLimitedJobs(sql, { limit: 1, limited: [limited], workerId, leaseMs: this.options.leaseMs }))[0]
      : await claimJobById(sql, { id, workerId, leaseMs: this.options.leaseMs });
    if (!row) return 'not-claimable';
    this.runner.startLeaseRenewal();
    try {
      await this.runner.run(row);
      await this.runner.flushCompletions();
    } finally {
      if (this.runner.heldJobs.length === 0) this.runner.stopLeaseRenewal();
    }
    return 'ran';
  }

  /**
   * Serverless: what /api/cron/tick does. Enqueues due cron slots, reclaims lapsed leases, and runs due jobs
   * (retries, delayed jobs, missed self-dispatches) until none are left or `budgetMs` is spent.
   */
  async tick(budgetMs: number): Promise<{ cronSlots: number; reclaimed: number; ran: number }> {
    const deadline = Date.now() + budgetMs;
    await this.adoptUnkeyedLimitedJobs();
    const slots = await this.scheduler.tick();
    const reclaimed = await reclaimExpiredJobs(this.options.database.sql);
    await this.reportReclaimedFailures(reclaimed.filter((job) => job.status === 'FAILED'));
    let ran = 0;
    const claims = new ClaimBatch(this.options.database.sql, this.limited, { workerId: newWorkerId(), leaseMs: this.options.leaseMs });
    this.runner.startLeaseRenewal();
    try {
      while (Date.now() < deadline) {
        const { claimed: rows } = await claims.claim(this.options.concurrency);
        if (rows.length === 0) break;
        await Promise.all(rows.map((row) => this.runner.run(row)));
        await this.runner.flushCompletions();
        // Every job of the batch has finished, limited ones included: their slots are free for the next claim.
        claims.limitedSlotFreed();
        ran += rows.length;
      }
    } finally {
      this.runner.stopLeaseRenewal();
    }
    return { cronSlots: slots.length, reclaimed: reclaimed.length, ran };
  }

  /** Once per provider: see adoptUnkeyedLimitedJobs in sql/claim-limited-jobs.ts. */
  private adoptUnkeyedLimitedJobs(): Promise<void> {
    this.adopted ??= adoptUnkeyedLimitedJobs(this.options.database.sql, this.limited).catch((error) => {
      this.adopted = undefined;
      throw error;
    });
    return this.adopted;
  }

  private async sweepRetention(): Promise<void> {
    const now = Date.now();
    if (now - this.lastRetentionAt < RETENTION_EVERY_MS) return;
    this.lastRetentionAt = now;
    const deleted = await deleteCompletedJobs(this.options.database.sql, { olderThanDays: this.options.retentionDays });
    if (deleted) this.options.logger.info({ deleted }, 'deleted completed jobs past retention');
    await pruneRateLog(this.options.database.db, rateLogRules(this.options.registry), this.options.retentionDays * 86_400_000);
  }

  /** Every tick: roll up the hours that settled since the last one (one read when there are none). */
  private async rollUpStats(): Promise<void> {
    const hours = await rollUpJobStats(this.options.database.sql);
    if (hours) this.options.logger.info({ hours }, 'rolled up job metrics');
  }

  private async reportReclaimedFailures(jobs: ReclaimedJob[]): Promise<void> {
    for (const job of jobs) {
      await this.options
        .onFailure({ jobId: job.id, definitionId: job.job_id, eventName: job.event_name, error: job.last_error, attempts: job.attempts })
        .catch((error) => this.options.logger.error({ err: error }, 'failure hook failed'));
    }
  }
}
