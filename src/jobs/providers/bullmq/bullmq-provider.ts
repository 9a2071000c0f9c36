// The BullMQ provider: one queue per definition under REDIS_PREFIX, workers with BULLMQ_CONCURRENCY, retries and
// backoff from the definition, cron through BullMQ job schedulers (UTC), step memos in PostgreSQL.
import { createHash } from 'node:crypto';
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { DatabaseHandle } from '../../../db/client';
import { cronSlotKey, latestSlot } from '../../cron';
import { cronEventName, PRIORITY_MAX, type JobDefinition } from '../../define';
import { toMilliseconds } from '../../duration';
import { EnqueueError, redisWriteOutcome } from '../../errors';
import { withTimeout } from '../../with-timeout';
import { executeJob, LeaseLostError, type ExecuteOutcome } from '../../execute';
import { planCancellations, planJobs, planReplay, rateKeyOf, type PlannedCancellation, type PlannedJob } from '../../fan-out';
import type { JobLogger } from '../../logger';
import type { JobRegistry } from '../../registry';
import type { FailedJobReport } from '../../failure-report';
import { completeJobs, failJob } from '../postgres-store/finish-jobs';
import { MemoWriter } from '../postgres-store/memo-writer';
import { loadMemos } from '../postgres-store/memos';
import type { JobInspector } from '../inspection';
import type { DispatchOptions, EventToDispatch, HttpHandler, JobProvider, ProviderReadiness } from '../types';
import { BullmqInspector } from './bullmq-inspector';
import { gatedOnRedis, redisReady } from './redis-gate';
import { throttledWarn } from './error-log-throttle';
import { anchorKey, cancelAnchor, recordAttemptError, startAttempt, type Anchor } from './anchor';
import { scheduleCron } from './cron-schedules';
import { indexCancellableJobs, removeCancelledJobs } from './cancel-on';
import { admitRateLimited } from './rate-limit';
import { BOARD_BASE_PATH, createBoardApp } from './board';

interface QueuedEvent {
  name: string;
  data: unknown;
  id?: string;
  ts: number;
}

export interface BullmqProviderOptions {
  redisUrl: string;
  prefix: string;
  concurrency: number;
  database: DatabaseHandle;
  registry: JobRegistry;
  logger: JobLogger;
  onFailure(report: FailedJobReport): Promise<void>;
  /** BullMQ lock duration: a job whose worker stops renewing it for this long is "stalled" and handed out again. */
  lockDurationMs?: number;
  /** How long completed jobs stay in Redis (also the window in which a dedupe id is remembered). */
  retentionDays: number;
  now?: () => Date;
  random?: () => number;
}

/** The anchor of one attempt, created on first use. */
class AnchorRef {
  private anchor: Promise<Anchor> | undefined;

  constructor(private readonly create: () => Promise<Anchor>) {}

  get created(): boolean {
    return this.anchor !== undefined;
  }

  get(): Promise<Anchor> {
    this.anchor ??= this.create();
    return this.anchor;
  }
}

/**
 * Our priorities (higher first, PRIORITY_MIN…PRIORITY_MAX) onto BullMQ's (1 is the highest, 0 means none). Every job
 * gets one: BullMQ takes unprioritized jobs before all prioritized ones, so a job without one would outrank every
 * job that has one. One queue per definition, so priority orders a definition's own jobs; definitions do not
 * compete for each other's worker slots on BullMQ.
 */
function toBullmqPriority(priority: number): number {
  return PRIORITY_MAX + 1 - priority;
}

/**
 * throttle onto BullMQ's limiter (per queue, across every worker). The limiter counts fixed windows, so `limit` per
 * `period` could put up to twice the limit into a period that straddles two windows; one start per period/limit
 * never can, since consecutive starts are then at least that far apart. Open-source BullMQ cannot key its limiter:
 * a keyed throttle applies to the whole definition (stricter, like keyed concurrency).
 */
function evenlySpaced(throttle: { limit: number; periodMs: number }): { max: number; duration: number } {
  return { max: 1, duration: Math.ceil(throttle.periodMs / throttle.limit) };
}

/** Longest a dispatch waits for Redis before it fails (a healthy one answers in about a millisecond). */
const DISPATCH_TIMEOUT_MS = 5_000;

/** Thrown out of the processor to hand BullMQ the delay our backoff chose for the next attempt. */
class RetryLater extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
  }
}

export class BullmqProvider implements JobProvider {
  readonly name = 'bullmq' as const;
  readonly supportsTransactionalDispatch = false;
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private producerConnection: Redis | undefined;
  private readonly now: () => Date;
  private boardHandler: HttpHandler | undefined;
  /** Step memos (in PostgreSQL, beside the anchor rows) of every job this process runs share commits. */
  private readonly memoWriter: MemoWriter;
  /** Connection errors, at most one line a minute per kind while Redis stays down (error-log-throttle.ts). */
  private readonly warnOf: Record<'producer' | 'queue' | 'worker', ReturnType<typeof throttledWarn>>;
  /** The dashboard's and CLI's view of the queues, through BullMQ's Queue API (bullmq-inspector.ts). */
  readonly inspector: JobInspector;
  /** bull-board, served by /api/jobs/board (admins only in production; the route decides who may see it). */
  readonly dashboard = {
    basePath: BOARD_BASE_PATH,
    handle: (request: Request): Promise<Response> => {
      if (!this.boardHandler) {
        const app = createBoardApp(this, BOARD_BASE_PATH);
        this.boardHandler = async (incoming) => app.fetch(incoming);
      }
      // bull-board's API reads the queues too: the same bound as the inspector's (its page and assets need no Redis).
      if (!new URL(request.url).pathname.startsWith(`${BOARD_BASE_PATH}/api/`)) return this.boardHandler(request);
      return redisReady(this.producer()).then(
        () => this.boardHandler!(request),
        (error: Error) => Response.json({ error: error.message }, { status: 503 }),
      );
    },
  };

  constructor(private readonly options: BullmqProviderOptions) {
    this.now = options.now ?? (() => new Date());
    this.warnOf = {
      producer: throttledWarn(options.logger, 'redis producer connection error'),
      queue: throttledWarn(options.logger, 'bullmq queue error'),
      worker: throttledWarn(options.logger, 'bullmq worker error'),
    };
    this.memoWriter = new MemoWriter(options.database.sql);
    this.inspector = gatedOnRedis(new BullmqInspector({
      definitionIds: this.definitionIds,
      queue: (id) => this.queue(id),
      redis: () => this.producer(),
      sql: options.database.sql,
      // An operator's replay bypasses rateLimit (it is a deliberate re-run, not a new event) but not cancelOn.
      enqueueReplay: async (definitionId, event, priority) => {
        const definition = options.registry.get(definitionId)!;
        const [id] = await this.enqueue([planReplay(definition, event, priority)], 0);
        return id!;
      },
    }), () => this.producer());
  }

  /** Producer connection: no offline queue, so a dispatch during a Redis outage fails at once with the cause. */
  private producer(): Redis {
    if (!this.producerConnection) {
      this.producerConnection = new Redis(this.options.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
      this.producerConnection.on('error', (error) => this.warnOf.producer(error));
    }
    return this.producerConnection;
  }

  /** The ids of the definitions, one queue each. */
  get definitionIds(): string[] {
    return this.options.registry.definitions.map((definition) => definition.id);
  }

  queue(definitionId: string): Queue {
    let queue = this.queues.get(definitionId);
    if (!queue) {
      queue = new Queue(definitionId, { connection: this.producer(), prefix: this.options.prefix });
      queue.on('error', (error) => this.warnOf.queue(error, { queue: definitionId }));
      this.queues.set(definitionId, queue);
    }
    return queue;
  }

  async dispatch(events: readonly EventToDispatch[], options: Omit<DispatchOptions, 'id'>): Promise<string[]> {
    if (options.tx) throw new Error('dispatch({ tx }) needs JOBS_PROVIDER=local: BullMQ cannot enqueue inside a database transaction');
    const delay = options.delay === undefined ? 0 : toMilliseconds(options.delay);
    const { registry } = this.options;
    // BullMQ waits for a connection that is down instead of failing: without a bound, a request dispatching while
    // Redis is unreachable would hang. Past it, EnqueueError (the app's outbox keeps the events for later).
    const enqueued = (async () => {
      await this.cancelMatching(planCancellations(registry, events));
      return this.enqueue(await this.admit(planJobs(registry, events, options.priority)), delay);
    })();
    return withTimeout(enqueued, DISPATCH_TIMEOUT_MS, () => new EnqueueError('Redis', events.length, new Error(`Redis did not answer within ${DISPATCH_TIMEOUT_MS} ms`), 'unknown'));
  }

  /** What every job of a definition carries, dispatched or queued by its cron scheduler: attempts, backoff, priority, retention. */
  private jobOptions(definition: JobDefinition, priority: number) {
    const { retentionDays } = this.options;
    return {
      attempts: definition.retries + 1,
      backoff: { type: 'definition' },
      priority: toBullmqPriority(priority),
      removeOnComplete: { age: retentionDays * 86_400 },
      removeOnFail: { age: 30 * 86_400 },
    };
  }

  /** Adds planned jobs to their queues (one addBulk per queue); returns `<definition>/<job id>` per job, in order. */
  private async enqueue(planned: PlannedJob[], delay: number): Promise<string[]> {
    const { prefix, retentionDays } = this.options;
    const byQueue = new Map<string, Array<{ index: number; name: string; data: { event: QueuedEvent }; opts: object }>>();
    planned.forEach((job, index) => {
      const entries = byQueue.get(job.definition.id) ?? [];
      entries.push({
        index,
        name: job.definition.id,
        data: { event: { name: job.eventName, data: job.data, id: job.eventId, ts: Date.now() } },
        opts: {
          // BullMQ refuses ':' and integer-like custom ids; a hash of our dedupe key is neither.
          jobId: job.dedupeKey ? `d-${createHash('sha256').update(job.dedupeKey).digest('hex').slice(0, 40)}` : undefined,
          delay,
          ...this.jobOptions(job.definition, job.priority),
        },
      });
      byQueue.set(job.definition.id, entries);
    });
    const ids: string[] = new Array(planned.length);
    let queuesWritten = 0;
    for (const [definitionId, entries] of byQueue) {
      const added = await this.queue(definitionId)
        .addBulk(entries.map(({ name, data, opts }) => ({ name, data, opts })))
        .catch((error: unknown) => {
          // One addBulk is one MULTI: one never sent added nothing, but the queues written before it keep their jobs.
          throw new EnqueueError('Redis', planned.length, error, queuesWritten === 0 ? redisWriteOutcome(error) : 'unknown');
        });
      queuesWritten += 1;
      added.forEach((job, position) => (ids[entries[position]!.index] = `${definitionId}/${job.id}`));
    }
    const cancellable = planned.flatMap((job, index) =>
      job.cancelKey === null ? [] : [{ definitionId: job.definition.id, cancelKey: job.cancelKey, jobId: ids[index]!.slice(job.definition.id.length + 1) }],
    );
    await indexCancellableJobs(this.producer(), prefix, cancellable, retentionDays * 86_400);
    return ids;
  }

  /** rateLimit: drops the jobs of rate-limited definitions beyond their limit (see rate-limit.ts). */
  private async admit(planned: PlannedJob[]): Promise<PlannedJob[]> {
    const limited = planned.filter((job) => job.definition.rateLimit);
    if (limited.length === 0) return planned;
    const verdicts = await admitRateLimited(
      this.producer(),
      this.options.prefix,
      limited.map((job) => ({ definitionId: job.definition.id, rateKey: rateKeyOf(job.definition, job.data), ...job.definition.rateLimit! })),
    ).catch((error: unknown) => {
      throw new EnqueueError('Redis', planned.length, error);
    });
    const skipped = new Set(limited.filter((_, index) => !verdicts[index]));
    return planned.filter((job) => !skipped.has(job));
  }

  /** cancelOn: removes the matching jobs still waiting in BullMQ and records each as CANCELLED on its anchor row. */
  private async cancelMatching(cancellations: PlannedCancellation[]): Promise<void> {
    if (cancellations.length === 0) return;
    const removed = await removeCancelledJobs(this.producer(), this.options.prefix, (id) => this.queue(id), cancellations);
    for (const { definitionId, job, cause } of removed) {
      const event = (job.data as { event?: QueuedEvent }).event;
      await cancelAnchor(this.options.database.sql, {
        definitionId,
        eventName: event?.name ?? cronEventName(definitionId),
        data: event?.data ?? {},
        attempts: job.attemptsMade,
        maxAttempts: job.opts.attempts ?? 1,
        anchorKey: anchorKey(definitionId, job.id!),
        reason: cause,
      });
    }
  }

  async checkReadiness(): Promise<ProviderReadiness> {
    const redis = this.producer();
    try {
      // The producer has no offline queue, so a PING before its first connect would fail at once: wait for it.
      await redisReady(redis);
      const answer = await withTimeout(redis.ping(), 2000, () => new Error('no answer within 2 s'));
      return { ready: answer === 'PONG', detail: answer === 'PONG' ? 'Redis answered PING' : `Redis answered PING with ${answer}` };
    } catch (error) {
      // A connection error's message names the host and port; the health body is public, so only its code goes out.
      const code = (error as { code?: unknown }).code;
      return { ready: false, detail: `Redis is not reachable: ${typeof code === 'string' && code !== 'UNAVAILABLE' ? code : 'no connection within 2 s'}` };
    }
  }


  async start(): Promise<void> {
    if (this.workers.length) return;
    const { registry, prefix, concurrency, redisUrl } = this.options;
    for (const definition of registry.definitions) {
      const queue = this.queue(definition.id);
      // Definition-wide limit across every worker; BullMQ (open source) has no per-key groups, so a keyed limit
      // is applied to the whole definition, which is stricter and therefore safe.
      if (definition.concurrency) await queue.setGlobalConcurrency(definition.concurrency.limit);
      if ('cron' in definition.trigger) {
        await scheduleCron(queue, definition as JobDefinition & { trigger: { cron: string } }, this.jobOptions(definition, definition.priority));
      }
      const worker = new Worker(definition.id, (job, token) => this.process(definition, job, token), {
        connection: new Redis(redisUrl, { maxRetriesPerRequest: null }),
        prefix,
        concurrency,
        limiter: definition.throttle && evenlySpaced(definition.throttle),
        lockDuration: this.options.lockDurationMs ?? 30_000,
        stalledInterval: this.options.lockDurationMs ?? 30_000,
        settings: { backoffStrategy: (_attempts, _type, error) => (error instanceof RetryLater ? error.delayMs : 1000) },
      });
      worker.on('error', (error) => this.warnOf.worker(error, { queue: definition.id }));
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
    this.options.logger.info({ queues: this.workers.length, concurrency }, 'bullmq workers started');
  }

  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    const workers = this.workers.splice(0);
    // close() waits for running jobs; past the timeout, force-close (BullMQ hands them out again after the lock).
    const graceful = Promise.all(workers.map((worker) => worker.close()));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), options.timeoutMs ?? 25_000)));
    if ((await Promise.race([graceful, timedOut])) === 'timeout') await Promise.all(workers.map((worker) => worker.close(true)));
    clearTimeout(timer);
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
    this.producerConnection?.disconnect();
    this.producerConnection = undefined;
  }

  private async process(definition: JobDefinition, job: Job<{ event?: QueuedEvent }>, token: string | undefined): Promise<unknown> {
    const { sql } = this.options.database;
    const isCron = 'cron' in definition.trigger;
    const slot = isCron ? latestSlot((definition.trigger as { cron: string }).cron, new Date(job.timestamp + (job.delay ?? 0) + 1000)) : null;
    const event: QueuedEvent = job.data.event ?? {
      name: cronEventName(definition.id),
      data: { scheduledFor: slot?.toISOString() },
      id: slot ? cronSlotKey(definition.id, slot) : undefined,
      ts: job.timestamp,
    };
    const maxAttempts = job.opts.attempts ?? definition.retries + 1;
    // The anchor row is written on first need (a step's memo, a failure), so a job without steps costs PostgreSQL
    // nothing and runs at BullMQ's speed. Its id is BullMQ's, stable across retries (idempotency keys use it).
    const anchors = new AnchorRef(() =>
      startAttempt(sql, {
        definitionId: definition.id,
        eventName: event.name,
        data: event.data,
        attempt: job.attemptsMade,
        maxAttempts,
        anchorKey: anchorKey(definition.id, job.id!),
      }),
    );
    let outcome: ExecuteOutcome;
    try {
      const data = this.options.registry.parsePayload(definition, event.data);
      outcome = await executeJob({
        definition,
        event: { name: event.name, data, id: event.id ?? `bullmq:${definition.id}/${job.id}`, ts: event.ts },
        jobId: `bullmq:${definition.id}/${job.id}`,
        attempt: job.attemptsMade,
        maxAttempts,
        memos: this.memoStore(anchors),
        dispatch: (events, dedupePrefix) =>
          this.dispatch(this.options.registry.validate(events).map((e, index) => ({ ...e, id: `${dedupePrefix}:${index}` })), {}),
        now: this.now,
        random: this.options.random,
        logger: this.options.logger,
      });
    } catch (error) {
      outcome = { kind: 'failed', error: (error as Error).message };
    }
    return this.settle(definition, job, token, anchors, outcome);
  }

  private memoStore(anchors: AnchorRef) {
    const { sql } = this.options.database;
    return {
      load: async () => loadMemos(sql, (await anchors.get()).id),
      save: async (stepId: string, memo: Parameters<MemoWriter['save']>[2], timing?: Parameters<MemoWriter['save']>[3]) => {
        const anchor = await anchors.get();
        if (!(await this.memoWriter.save(anchor, stepId, memo, timing))) throw new LeaseLostError(`Job ${anchor.id} is no longer held by this worker`);
      },
    };
  }

  private async settle(definition: JobDefinition, job: Job, token: string | undefined, anchors: AnchorRef, outcome: ExecuteOutcome) {
    const { sql } = this.options.database;
    switch (outcome.kind) {
      case 'completed':
        if (anchors.created) await completeJobs(sql, [{ ...(await anchors.get()), result: outcome.output }]);
        return outcome.output;
      case 'sleep':
        // Not a failure: park the job in BullMQ's delayed set; the attempt count stays as it was.
        await job.moveToDelayed(outcome.until.getTime(), token);
        throw new DelayedError();
      case 'retry': {
        await recordAttemptError(sql, await anchors.get(), outcome.error);
        throw new RetryLater(outcome.error, Math.max(0, outcome.at.getTime() - this.now().getTime()));
      }
      case 'failed': {
        const anchor = await anchors.get();
        if (await failJob(sql, anchor, { final: true, retryDelayMs: 0, error: outcome.error })) {
          await this.options
            .onFailure({ jobId: anchor.id, definitionId: definition.id, eventName: job.data.event?.name ?? '', error: outcome.error, attempts: job.attemptsMade + 1 })
            .catch((error) => this.options.logger.error({ err: error }, 'failure hook failed'));
        }
        throw new UnrecoverableError(outcome.error);
      }
      case 'lease-lost':
        throw new Error('lease lost: this job was taken over by another worker');
    }
  }
}

