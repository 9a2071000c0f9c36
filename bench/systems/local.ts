// Our local provider, measured through its public API (JobClient.dispatch, LocalProvider.start) on real
// PostgreSQL and on embedded PGlite. The worker gets its own provider and pool, as a separate process would.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { DatabaseHandle } from '../../src/db/client';
import { openNodePostgres } from '../../src/db/drivers/node-postgres';
import { openPglite } from '../../src/db/drivers/pglite';
import { migrateDatabase } from '../../src/db/migrate';
import { JobClient } from '../../src/jobs/client';
import { defineJob, type JobDefinition } from '../../src/jobs/define';
import { defineEvent } from '../../src/jobs/event-type';
import { silentLogger } from '../../src/jobs/logger';
import { LocalProvider } from '../../src/jobs/providers/local/local-provider';
import { JobRegistry, MAX_EVENTS_PER_DISPATCH } from '../../src/jobs/registry';
import { logStatement, type StatementLog } from '../lib/statement-log';
import { Countdown, now } from '../lib/timing';
import { timeToFinished } from '../lib/workloads';
import type { BenchSystem, ExtraWorkload, JobPayload, RunningWorker, SystemContext, SystemFactory, WorkerOptions, WorkloadSettings } from '../lib/system';

const noopEvent = defineEvent('bench/noop', z.object({ sentAtMs: z.number().optional() }));
const threeStepEvent = defineEvent('bench/three-step', z.object({}));
const limitedEvent = defineEvent('bench/limited', z.object({ documentId: z.string(), sentAtMs: z.number() }));
const throttledEvent = defineEvent('bench/throttled', z.object({}));
const events = [noopEvent, threeStepEvent, limitedEvent, throttledEvent];

/** The wider worker of the group-commit workloads: more jobs in flight share each memo commit. */
const WIDE_CONCURRENCY = 50;

/** Backlog of the fairness workload, as a multiple of N (50,000 at the full N=10,000). */
const FAIRNESS_BACKLOG_FACTOR = 5;
/** Limited jobs dispatched while that backlog drains, one every 10 ms. */
const FAIRNESS_LIMITED_JOBS = 100;

type Driver = 'postgres' | 'pglite';

// Every registry holds what the app's does: a definition with a keyed concurrency limit (send-signing-email), a
// throttled one (the email queue) and one with a priority (password reset). The no-op figures are measured with the
// limited claim's bookkeeping and the priority order present, not on an engine that never has to consider them.
function registryWith(
  onJob: (payload: JobPayload) => void,
  onThreeStepDone: () => void,
  onLimitedStart: (sentAtMs: number) => void = () => {},
): JobRegistry {
  const definitions = [
    defineJob(
      { id: 'limited', trigger: { event: limitedEvent }, concurrency: { limit: 1, key: 'event.data.documentId' } },
      async ({ event }) => onLimitedStart(event.data.sentAtMs),
    ),
    defineJob({ id: 'throttled', trigger: { event: throttledEvent }, throttle: { limit: 100, period: '1s' } }, async () => {}),
    defineJob({ id: 'urgent', trigger: { event: throttledEvent }, priority: 100 }, async () => {}),
    defineJob({ id: 'noop', trigger: { event: noopEvent } }, async ({ event }) => onJob(event.data)),
    defineJob({ id: 'three-step', trigger: { event: threeStepEvent } }, async ({ step }) => {
      const a = await step.run('one', () => 1);
      const b = await step.run('two', () => a + 1);
      await step.run('three', () => b + 1);
      onThreeStepDone();
    }),
  ] as JobDefinition<never>[];
  return new JobRegistry(events, definitions);
}

/** Only the no-op definition: the baseline that says what the others in registryWith() cost the no-op path. */
function plainRegistryWith(onJob: () => void): JobRegistry {
  const definitions = [defineJob({ id: 'noop', trigger: { event: noopEvent } }, async () => onJob())] as JobDefinition<never>[];
  return new JobRegistry(events, definitions);
}

class LocalSystem implements BenchSystem {
  #database: DatabaseHandle | undefined;
  #url = '';
  #client: JobClient | undefined;
  readonly extraWorkloads: readonly ExtraWorkload[];

  constructor(
    private readonly context: SystemContext,
    private readonly driver: Driver,
  ) {
    this.extraWorkloads = [
      {
        id: 'three-step',
        label: '3-step jobs/s (each step memo durable before the next step starts)',
        run: (settings) => this.#threeStep(settings.jobs, settings.concurrency),
        compare: { better: 'higher', own: { figure: 'process', label: 'its no-op rate', target: '≥ 0.5×' }, peer: { figure: 'process', label: 'no-op rate' } },
      },
      {
        id: 'fair-start',
        label: `limited jobs: p99 ms from dispatch to start, sent behind a ${FAIRNESS_BACKLOG_FACTOR}×N no-op backlog (target ≤ 1,000)`,
        run: (settings) => this.#fairStart(settings),
        compare: { better: 'lower', peer: { figure: 'latencyP99', label: 'p99 latency on an idle queue' } },
      },
      {
        id: 'process-plain',
        label: 'no-op jobs/s, registry holding only the no-op definition',
        run: (settings) => this.#processAt(settings.jobs, settings.concurrency, plainRegistryWith),
        // plain ÷ full: at most about 1× when limits, throttles and priorities in the registry cost the no-op path nothing.
        compare: { better: 'higher', own: { figure: 'process', label: 'the no-op rate with them present', target: '≤ 1× within noise' } },
      },
      {
        id: 'process-wide',
        label: `no-op jobs/s at concurrency ${WIDE_CONCURRENCY}`,
        run: (settings) => this.#processAt(settings.jobs, WIDE_CONCURRENCY),
      },
      {
        id: 'three-step-wide',
        label: `3-step jobs/s at concurrency ${WIDE_CONCURRENCY}`,
        run: (settings) => this.#threeStep(settings.jobs, WIDE_CONCURRENCY),
        compare: { better: 'higher', own: { figure: 'process-wide', label: `its no-op rate at concurrency ${WIDE_CONCURRENCY}`, target: '≥ 0.5×' } },
      },
    ];
  }

  async setup(): Promise<void> {
    if (this.driver === 'pglite') {
      this.#url = `memory://bench-${randomBytes(4).toString('hex')}`;
      this.#database = await openPglite(this.#url);
    } else {
      this.#url = (await this.context.scratch.database()).url;
      this.#database = openNodePostgres(this.#url, { poolSize: 10 });
      await migrateDatabase(this.#database);
    }
    this.#client = new JobClient(registryWith(() => {}, () => {}), this.#provider(this.#database, registryWith(() => {}, () => {}), 1));
  }

  #provider(database: DatabaseHandle, registry: JobRegistry, concurrency: number): LocalProvider {
    return new LocalProvider({
      database,
      registry,
      mode: 'worker',
      concurrency,
      leaseMs: 30_000,
      pollIntervalMs: 1000,
      retentionDays: 7,
      logger: silentLogger,
      onFailure: async (report) => console.error(`bench job failed: ${report.error}`),
    });
  }

  async bulkEnqueue(count: number): Promise<void> {
    await this.#dispatchMany('bench/noop', count);
  }

  /**
   * Issue 11's fairness workload: 5×N due no-op jobs queued first, then, once the worker is draining them, 100 jobs
   * of a definition limited to 1 per document (each its own document) sent one every 10 ms. Returns the p99 of
   * dispatch-to-start; the log line says how much backlog was still queued when the last one started.
   */
  async #fairStart(settings: WorkloadSettings): Promise<number> {
    const backlog = settings.jobs * FAIRNESS_BACKLOG_FACTOR;
    await this.#dispatchMany('bench/noop', backlog);
    const drained = new Countdown(backlog);
    const started = new Countdown(FAIRNESS_LIMITED_JOBS);
    const delays: number[] = [];
    let backlogLeftAtLastStart = 0;
    const registry = registryWith(
      () => drained.tick(),
      () => {},
      (sentAtMs) => {
        delays.push(now() - sentAtMs);
        if (delays.length === FAIRNESS_LIMITED_JOBS) backlogLeftAtLastStart = backlog - drained.count;
        started.tick();
      },
    );
    const worker = await this.#startWorker(settings.concurrency, registry);
    try {
      while (drained.count === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      for (let index = 0; index < FAIRNESS_LIMITED_JOBS; index++) {
        await this.#requireClient().dispatch({ name: 'bench/limited', data: { documentId: `doc-${index}`, sentAtMs: now() } });
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await started.wait({ what: 'limited jobs', timeoutMs: 120_000, stallMs: 30_000 });
      await drained.wait({ what: 'the backlog', timeoutMs: 300_000, stallMs: 30_000 });
    } finally {
      await worker.stop();
    }
    const sorted = [...delays].sort((a, b) => a - b);
    const p99 = sorted[Math.ceil(0.99 * sorted.length) - 1]!;
    console.error(
      `bench: fair-start: p50 ${sorted[Math.ceil(0.5 * sorted.length) - 1]!.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms; ` +
        `${backlogLeftAtLastStart} of ${backlog} backlog jobs still queued when the last limited job started`,
    );
    return p99;
  }

  /** One dispatch per 10,000 events (the per-call limit), each one INSERT. */
  async #dispatchMany(name: 'bench/noop' | 'bench/three-step', count: number): Promise<void> {
    for (let done = 0; done < count; done += MAX_EVENTS_PER_DISPATCH) {
      const size = Math.min(MAX_EVENTS_PER_DISPATCH, count - done);
      await this.#requireClient().dispatch(Array.from({ length: size }, () => ({ name, data: {} })));
    }
  }

  async enqueueOne(sentAtMs: number): Promise<void> {
    await this.#requireClient().dispatch({ name: 'bench/noop', data: { sentAtMs } });
  }

  async startWorker({ concurrency, onJob }: WorkerOptions): Promise<RunningWorker> {
    return this.#startWorker(concurrency, registryWith(onJob, () => {}));
  }

  /** `observe` sees the worker's database first (a StatementLog wraps it); the worker runs on what it returns. */
  async #startWorker(concurrency: number, registry: JobRegistry, observe: (database: DatabaseHandle) => DatabaseHandle = (database) => database): Promise<RunningWorker> {
    // PGlite is one connection per process: the worker shares it. PostgreSQL: a pool of its own.
    const database = this.driver === 'pglite' ? this.#database! : openNodePostgres(this.#url, { poolSize: concurrency + 2 });
    const provider = this.#provider(observe(database), registry, concurrency);
    await provider.start();
    return {
      stop: async () => {
        await provider.stop({ timeoutMs: 10_000 });
        if (database !== this.#database) await database.close();
      },
    };
  }

  /**
   * N three-step jobs queued, then one worker at `concurrency`; timed from its start until all N rows are
   * COMPLETED. Not to the handler's end: the last step's memo and the completion may be written after it returns.
   */
  async #threeStep(jobs: number, concurrency: number): Promise<number> {
    return this.#drain({
      event: 'bench/three-step',
      definitionId: 'three-step',
      what: `${jobs} 3-step jobs at concurrency ${concurrency}`,
      handler: 'ended',
      jobs,
      concurrency,
      registryFor: (tick) => registryWith(() => {}, tick),
      // What bounds this figure: each job's first two memos are committed in series, one group statement at a time.
      logStatement: 'memos_save',
    });
  }

  /** The standard process workload at another concurrency or registry, timed the same way: to N COMPLETED rows. */
  async #processAt(jobs: number, concurrency: number, registryFor: (onJob: () => void) => JobRegistry = (onJob) => registryWith(onJob, () => {})): Promise<number> {
    return this.#drain({ event: 'bench/noop', definitionId: 'noop', what: `${jobs} no-op jobs at concurrency ${concurrency}`, handler: 'started', jobs, concurrency, registryFor });
  }

  /**
   * N jobs of one definition queued, then one worker at `concurrency` whose registry ticks the countdown; jobs/s from
   * the worker's start until all N rows are COMPLETED.
   */
  async #drain(options: {
    event: 'bench/noop' | 'bench/three-step';
    definitionId: string;
    what: string;
    handler: 'started' | 'ended';
    jobs: number;
    concurrency: number;
    registryFor: (tick: () => void) => JobRegistry;
    /** A statement of the worker's to time and describe on stderr after the run (statement-log.ts). */
    logStatement?: string;
  }): Promise<number> {
    const { jobs, logStatement: statementName } = options;
    await this.#dispatchMany(options.event, jobs);
    const countdown = new Countdown(jobs);
    let statements: StatementLog | undefined;
    const observe = (database: DatabaseHandle): DatabaseHandle => {
      if (!statementName) return database;
      statements = logStatement(database, statementName);
      return statements.database;
    };
    const startedAt = performance.now();
    const worker = await this.#startWorker(options.concurrency, options.registryFor(() => countdown.tick()), observe);
    try {
      const elapsedMs = await timeToFinished({
        what: options.what,
        handler: options.handler,
        countdown,
        startedAt,
        finishedCount: () => this.#completedCount(options.definitionId),
      });
      if (statements) console.error(`bench: ${options.what}: ${statements.describe(jobs, elapsedMs)}`);
      return jobs / (elapsedMs / 1000);
    } finally {
      await worker.stop();
    }
  }

  async finishedCount(): Promise<number> {
    return this.#completedCount('noop');
  }

  /** The provider's own record of finished jobs: background_jobs rows of the definition with status COMPLETED. */
  async #completedCount(definitionId: string): Promise<number> {
    const rows = await this.#database!.sql.query<{ n: number }>(
      `select count(*)::int as n from background_jobs where job_id = $1 and status = 'COMPLETED'`,
      [definitionId],
    );
    return rows[0]!.n;
  }

  async teardown(): Promise<void> {
    await this.#database?.close();
  }

  #requireClient(): JobClient {
    if (!this.#client) throw new Error('local provider: setup() has not run');
    return this.#client;
  }
}

export const localPostgres: SystemFactory = {
  id: 'local-postgres',
  name: 'ours: local provider, PostgreSQL',
  kind: 'ours',
  create: (context) => new LocalSystem(context, 'postgres'),
};

export const localPglite: SystemFactory = {
  id: 'local-pglite',
  name: 'ours: local provider, PGlite',
  kind: 'ours',
  create: (context) => new LocalSystem(context, 'pglite'),
};
