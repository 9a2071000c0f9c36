// The BullMQ provider's JobInspector, through BullMQ's own Queue API (one queue per definition) and the sorted sets
// it keeps finished jobs in; step memos and cancellations come from the anchor rows in PostgreSQL (anchor.ts).
// Ids are `<definition>/<BullMQ job id>`, as dispatch returns them. Differences from the local provider, all from
// what BullMQ stores: the list is newest first within each queue and state and merged by creation time, its cursor an
// offset per (queue, state); metrics count exactly (ZCOUNT over finishedOn) but take durations and retries from
// the newest METRICS_SAMPLE finished jobs of each queue in the window; "stuck" is an active job whose lock expired.
import { cronSlotJobIds } from './cron-schedules';
import type { Job, JobType, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { SqlExecutor } from '../../../db/client';
import { cronEventName, PRIORITY_MAX } from '../../define';
import type {
  CancelResult,
  CronSlotRun,
  DefinitionMetrics,
  JobDetail,
  JobFilter,
  JobInspector,
  JobMetrics,
  JobPage,
  JobStatus,
  JobSummary,
  QueueHealth,
  ReplayResult,
  RetryResult,
} from '../inspection';
import { redactPayload } from '../redact-payload';
import { cancelAnchor } from './anchor';
import { anchorDetails, cancelledAnchorRows, deleteCancelledAnchors, type AnchorDetail } from './anchor-reads';

/** What the inspector needs of the provider. */
export interface BullmqQueues {
  readonly definitionIds: readonly string[];
  queue(definitionId: string): Queue;
  /** The connection the queues use: for the finished sets' scores and lock keys, which the Queue API does not expose. */
  redis(): Redis;
  /** A new job of the definition with this event (replay): returns its id. */
  enqueueReplay(definitionId: string, event: { name: string; data: unknown }, priority: number): Promise<string>;
  readonly sql: SqlExecutor;
}

type QueuedEvent = { name?: string; data?: unknown; id?: string };

const STATES_OF: Record<Exclude<JobStatus, 'CANCELLED'>, JobType[]> = {
  PENDING: ['waiting', 'prioritized', 'delayed'],
  PROCESSING: ['active'],
  COMPLETED: ['completed'],
  FAILED: ['failed'],
};
const STATUS_OF: Partial<Record<string, JobStatus>> = Object.fromEntries(
  Object.entries(STATES_OF).flatMap(([status, states]) => states.map((state) => [state, status as JobStatus])),
);
const MAX_PAGE = 500;
const METRICS_SAMPLE = 1000;
const BATCH = 500;

/** BullMQ's priority (1 highest) back onto ours (see toBullmqPriority). */
function fromBullmqPriority(priority: number | undefined): number {
  return priority ? PRIORITY_MAX + 1 - priority : 0;
}

/** A slot's job its cron scheduler queued: BullMQ refuses to remove it (the scheduler owns it and queues the next). */
function isScheduledSlot(job: Job): boolean {
  return job.id?.startsWith('repeat:') ?? false;
}

export class BullmqInspector implements JobInspector {
  constructor(private readonly queues: BullmqQueues) {}

  private parseId(id: string): { definition: string; jobId: string } | undefined {
    const slash = id.indexOf('/');
    if (slash <= 0) return undefined;
    const definition = id.slice(0, slash);
    const jobId = id.slice(slash + 1);
    return this.queues.definitionIds.includes(definition) && jobId ? { definition, jobId } : undefined;
  }

  private async find(id: string): Promise<{ definition: string; job: Job; state: string } | undefined> {
    const parsed = this.parseId(id);
    if (!parsed) return undefined;
    const job = await this.queues.queue(parsed.definition).getJob(parsed.jobId);
    if (!job) return undefined;
    return { definition: parsed.definition, job, state: await job.getState() };
  }

  async list(filter: JobFilter, page: { limit: number; cursor?: string }): Promise<JobPage> {
    const limit = Math.min(Math.max(1, Math.floor(page.limit)), MAX_PAGE);
    if (filter.id !== undefined) {
      const summary = await this.summaryOf(filter.id);
      const matches = summary && (!filter.status || summary.status === filter.status) && (!filter.definition || summary.definition === filter.definition);
      return { jobs: matches ? [summary] : [] };
    }
    const offsets = decodeCursor(page.cursor);
    const definitions = filter.definition ? this.queues.definitionIds.filter((id) => id === filter.definition) : this.queues.definitionIds;
    const statuses = filter.status ? [filter.status] : (['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED'] as JobStatus[]);
    // Each source (queue × state, plus the cancelled anchors) newest first from its offset; merged by creation time.
    const sources: Array<Promise<Array<{ source: string; summary: JobSummary }>>> = [];
    for (const status of statuses) {
      if (status === 'CANCELLED') {
        const offset = offsets.cancelled ?? 0;
        sources.push(
          cancelledAnchorRows(this.queues.sql, { definition: filter.definition ?? null, offset, limit: limit + 1 }).then((rows) =>
            rows.map((row) => ({ source: 'cancelled', summary: cancelledSummary(row) })),
          ),
        );
        continue;
      }
      for (const definition of definitions) {
        for (const state of STATES_OF[status]) {
          const source = `${definition}|${state}`;
          const offset = offsets[source] ?? 0;
          sources.push(
            this.queues
              .queue(definition)
              .getJobs([state], offset, offset + limit)
              .then((jobs) => jobs.map((job) => ({ source, summary: toSummary(definition, job, status) }))),
          );
        }
      }
    }
    // A k-way merge of the sources' heads, newest created first: each source gives up a prefix of its own order
    // (finished sets are ordered by finishedOn, not creation), so its offset moves by exactly what was taken.
    const lists = await Promise.all(sources);
    const heads = lists.map(() => 0);
    const since = filter.createdSince?.getTime();
    const next = { ...offsets };
    const jobs: JobSummary[] = [];
    let more = false;
    for (;;) {
      let best = -1;
      for (let index = 0; index < lists.length; index++) {
        const head = lists[index]![heads[index]!];
        if (head && (best < 0 || head.summary.createdAt > lists[best]![heads[best]!]!.summary.createdAt)) best = index;
      }
      if (best < 0) break;
      if (jobs.length === limit) {
        more = true;
        break;
      }
      const { source, summary } = lists[best]![heads[best]!]!;
      heads[best]! += 1;
      next[source] = (next[source] ?? 0) + 1;
      if (since === undefined || summary.createdAt.getTime() >= since) jobs.push(summary);
    }
    return more ? { jobs, nextCursor: encodeCursor(next) } : { jobs };
  }

  private async summaryOf(id: string): Promise<JobSummary | undefined> {
    const found = await this.find(id);
    if (found) return toSummary(found.definition, found.job, STATUS_OF[found.state] ?? 'PENDING');
    const anchor = await this.cancelledAnchor(id);
    return anchor && cancelledSummary(anchor);
  }

  private async cancelledAnchor(id: string): Promise<AnchorDetail | undefined> {
    const parsed = this.parseId(id);
    if (!parsed) return undefined;
    const [anchor] = await anchorDetails(this.queues.sql, [`bullmq:${parsed.definition}/${parsed.jobId}`]);
    return anchor?.status === 'CANCELLED' ? anchor : undefined;
  }

  async get(id: string): Promise<JobDetail | undefined> {
    const parsed = this.parseId(id);
    if (!parsed) return undefined;
    const [found, [anchor]] = await Promise.all([this.find(id), anchorDetails(this.queues.sql, [`bullmq:${parsed.definition}/${parsed.jobId}`])]);
    if (!found) {
      if (anchor?.status !== 'CANCELLED') return undefined;
      return { ...cancelledSummary(anchor), payload: redactPayload(anchor.payload), eventId: null, result: null, steps: anchor.steps, attemptHistory: anchor.attemptHistory, cancelReason: anchor.cancelReason, cancellable: false };
    }
    const { definition, job, state } = found;
    const event = (job.data as { event?: QueuedEvent }).event;
    return {
      ...toSummary(definition, job, STATUS_OF[state] ?? 'PENDING'),
      payload: redactPayload(event?.data ?? {}),
      eventId: event?.id ?? null,
      result: job.returnvalue ?? null,
      steps: anchor?.steps ?? [],
      attemptHistory: anchor?.attemptHistory ?? [],
      cancelReason: null,
      cancellable: STATUS_OF[state] === 'PENDING' && !isScheduledSlot(job),
    };
  }

  async counts(): Promise<Record<JobStatus, number>> {
    const counts: Record<JobStatus, number> = { PENDING: 0, PROCESSING: 0, COMPLETED: 0, FAILED: 0, CANCELLED: 0 };
    const perQueue = await Promise.all(this.queues.definitionIds.map((id) => this.queues.queue(id).getJobCounts(...(Object.keys(STATUS_OF) as JobType[]))));
    for (const queueCounts of perQueue) {
      for (const [state, n] of Object.entries(queueCounts)) counts[STATUS_OF[state] ?? 'PENDING'] += n;
    }
    const [cancelled] = await this.queues.sql.query<{ n: number }>(
      `select count(*)::int as n from background_jobs where status = 'CANCELLED' and dedupe_key like 'bullmq:%'`,
    );
    counts.CANCELLED = cancelled?.n ?? 0;
    return counts;
  }

  async metrics(options: { windowMs: number; buckets?: number }): Promise<JobMetrics> {
    const windowMs = Math.max(1, Math.floor(options.windowMs));
    const buckets = Math.min(Math.max(1, Math.floor(options.buckets ?? 24)), 1000);
    const end = Date.now();
    const start = end - windowMs;
    const width = windowMs / buckets;
    const series = Array.from({ length: buckets }, (_, bucket) => ({ at: new Date(start + bucket * width), completed: 0, failed: 0 }));
    const perDefinition: DefinitionMetrics[] = [];
    const allDurations: number[] = [];
    let sampled = { finished: 0, retried: 0 };
    for (const definition of this.queues.definitionIds) {
      const queue = this.queues.queue(definition);
      await queue.waitUntilReady();
      const redis = this.queues.redis();
      // Finished sets are scored by finishedOn: exact counts per window and per bucket, one pipeline per queue.
      const pipeline = redis.pipeline();
      for (const key of [queue.keys.completed!, queue.keys.failed!]) {
        pipeline.zcount(key, start, end);
        for (let bucket = 0; bucket < buckets; bucket++) pipeline.zcount(key, start + bucket * width, `(${start + (bucket + 1) * width}`);
      }
      const results = ((await pipeline.exec()) ?? []).map(([error, value]) => {
        if (error) throw error;
        return Number(value);
      });
      const completed = results[0]!;
      const failed = results[buckets + 1]!;
      for (let bucket = 0; bucket < buckets; bucket++) {
        series[bucket]!.completed += results[1 + bucket]!;
        series[bucket]!.failed += results[buckets + 2 + bucket]!;
      }
      if (completed + failed === 0) continue;
      const sample = await this.finishedSample(queue, start, end);
      const durations = sample.flatMap((job) => (job.processedOn && job.finishedOn ? [Math.max(0, job.finishedOn - job.processedOn)] : []));
      const retried = sample.filter((job) => job.attemptsMade > 1).length;
      allDurations.push(...durations);
      sampled = { finished: sampled.finished + sample.length, retried: sampled.retried + retried };
      perDefinition.push(definitionMetrics(definition, completed, failed, sample.length ? retried / sample.length : null, durations, windowMs));
    }
    const completed = perDefinition.reduce((sum, row) => sum + row.completed, 0);
    const failed = perDefinition.reduce((sum, row) => sum + row.failed, 0);
    const overall = definitionMetrics('*', completed, failed, sampled.finished ? sampled.retried / sampled.finished : null, allDurations, windowMs);
    return { windowMs, overall, perDefinition, series };
  }

  /** The newest METRICS_SAMPLE finished jobs of a queue in the window (completed and failed together). */
  private async finishedSample(queue: Queue, start: number, end: number): Promise<Job[]> {
    const redis = this.queues.redis();
    const ids = new Set<string>();
    for (const key of [queue.keys.completed!, queue.keys.failed!]) {
      for (const id of await redis.zrevrangebyscore(key, end, start, 'LIMIT', 0, METRICS_SAMPLE)) ids.add(id);
    }
    const jobs = await Promise.all([...ids].map((id) => queue.getJob(id)));
    return jobs
      .filter((job): job is Job => job !== undefined)
      .sort((a, b) => (b.finishedOn ?? 0) - (a.finishedOn ?? 0))
      .slice(0, METRICS_SAMPLE);
  }

  async retry(id: string): Promise<RetryResult> {
    const found = await this.find(id);
    if (!found) return 'not-found';
    if (found.state !== 'failed') return 'not-failed';
    // Same BullMQ job, same id, so the same anchor: its completed steps stay memoized.
    await found.job.retry('failed', { resetAttemptsMade: true });
    return 'retried';
  }

  async retryFailed(filter: Omit<JobFilter, 'status'>, onProgress?: (done: number) => void): Promise<{ retried: number }> {
    if (filter.id !== undefined) return { retried: (await this.retry(filter.id)) === 'retried' ? 1 : 0 };
    const since = filter.createdSince?.getTime();
    let retried = 0;
    for (const definition of this.queues.definitionIds.filter((id) => !filter.definition || id === filter.definition)) {
      const queue = this.queues.queue(definition);
      // Each retried job leaves the failed set, so the next batch starts past the ones skipped by the filter.
      let skipped = 0;
      for (;;) {
        const jobs = await queue.getJobs(['failed'], skipped, skipped + BATCH - 1);
        if (jobs.length === 0) break;
        for (const job of jobs) {
          if (since !== undefined && job.timestamp < since) {
            skipped++;
            continue;
          }
          await job.retry('failed', { resetAttemptsMade: true });
          retried++;
        }
        onProgress?.(retried);
      }
    }
    return { retried };
  }

  async replay(id: string): Promise<ReplayResult> {
    const found = await this.find(id);
    if (!found) return { replayed: false, reason: 'not-found' };
    if (found.state !== 'completed') return { replayed: false, reason: 'not-completed' };
    const event = (found.job.data as { event?: QueuedEvent }).event;
    const jobId = await this.queues.enqueueReplay(
      found.definition,
      { name: event?.name ?? cronEventName(found.definition), data: event?.data ?? {} },
      fromBullmqPriority(found.job.opts.priority),
    );
    return { replayed: true, jobId };
  }

  async cancel(id: string, reason: string): Promise<CancelResult> {
    const found = await this.find(id);
    if (!found) return (await this.cancelledAnchor(id)) ? 'not-cancellable' : 'not-found';
    const { definition, job, state } = found;
    if (STATUS_OF[state] !== 'PENDING' || isScheduledSlot(job)) return 'not-cancellable';
    // remove() refuses a job a worker has just locked: then it is running, no longer cancellable.
    const removed = await job.remove().then(
      () => true,
      () => false,
    );
    if (!removed) return 'not-cancellable';
    const event = (job.data as { event?: QueuedEvent }).event;
    await cancelAnchor(this.queues.sql, {
      definitionId: definition,
      eventName: event?.name ?? cronEventName(definition),
      data: event?.data ?? {},
      attempts: job.attemptsMade,
      maxAttempts: job.opts.attempts ?? 1,
      anchorKey: `bullmq:${definition}/${job.id}`,
      reason,
    });
    return 'cancelled';
  }

  async queueHealth(): Promise<QueueHealth> {
    const now = Date.now();
    // Every queue at once, and one pipelined round trip for all of a queue's lock keys: a health probe polled by a
    // load balancer must not cost a round trip per running job.
    const perQueue = await Promise.all(
      this.queues.definitionIds.map(async (definition) => {
        const queue = this.queues.queue(definition);
        // The oldest due jobs: the tail of the wait list, and the prioritized set's first page (ordered by priority).
        const [counts, waiting, prioritized, active] = await Promise.all([
          queue.getJobCounts('waiting', 'prioritized'),
          queue.getJobs(['waiting'], 0, 0, true),
          queue.getJobs(['prioritized'], 0, 99, true),
          queue.getJobs(['active']),
        ]);
        const locks = active.length ? ((await this.queues.redis().pipeline(active.map((job) => ['exists', queue.toKey(`${job.id}:lock`)])).exec()) ?? []) : [];
        return {
          depth: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
          oldest: Math.min(...[...waiting, ...prioritized].map((job) => job.timestamp)),
          // A failed read counts as stuck: the probe errs towards an alert, not towards silence.
          stuck: locks.filter(([error, exists]) => error || exists === 0).length,
        };
      }),
    );
    const oldest = Math.min(...perQueue.map((queue) => queue.oldest));
    return {
      depth: perQueue.reduce((sum, queue) => sum + queue.depth, 0),
      oldestPendingAgeMs: Number.isFinite(oldest) ? Math.max(0, now - oldest) : null,
      stuck: perQueue.reduce((sum, queue) => sum + queue.stuck, 0),
    };
  }

  async cronSlots(slots: ReadonlyArray<{ definition: string; slot: Date }>): Promise<CronSlotRun[]> {
    return Promise.all(
      slots.map(async ({ definition, slot }) => {
        if (!this.queues.definitionIds.includes(definition)) return { definition, slot, jobId: null, status: null };
        // The scheduler's job for the slot, or the one start-up ran for it (cron-schedules.ts).
        const queue = this.queues.queue(definition);
        const [scheduled, caughtUp] = cronSlotJobIds(definition, slot);
        const job = (await queue.getJob(scheduled)) ?? (await queue.getJob(caughtUp));
        if (!job) return { definition, slot, jobId: null, status: null };
        const state = await job.getState();
        return { definition, slot, jobId: `${definition}/${job.id}`, status: STATUS_OF[state] ?? null };
      }),
    );
  }

  async prune(before: Date, onProgress?: (done: number) => void): Promise<{ deleted: number }> {
    const grace = Math.max(0, Date.now() - before.getTime());
    let deleted = 0;
    for (const definition of this.queues.definitionIds) {
      const queue = this.queues.queue(definition);
      for (const type of ['completed', 'failed'] as const) {
        for (;;) {
          const removed = await queue.clean(grace, BATCH, type);
          deleted += removed.length;
          onProgress?.(deleted);
          if (removed.length < BATCH) break;
        }
      }
    }
    deleted += await deleteCancelledAnchors(this.queues.sql, before);
    onProgress?.(deleted);
    return { deleted };
  }
}

function toSummary(definition: string, job: Job, status: JobStatus): JobSummary {
  const event = (job.data as { event?: QueuedEvent }).event;
  const finished = status === 'COMPLETED' || status === 'FAILED';
  return {
    id: `${definition}/${job.id}`,
    definition,
    eventName: event?.name ?? cronEventName(definition),
    status,
    attempts: job.attemptsMade + (status === 'PROCESSING' ? 1 : 0),
    maxAttempts: job.opts.attempts ?? 1,
    priority: fromBullmqPriority(job.opts.priority),
    createdAt: new Date(job.timestamp),
    runAt: new Date(job.timestamp + (job.delay ?? 0)),
    startedAt: job.processedOn ? new Date(job.processedOn) : null,
    finishedAt: finished && job.finishedOn ? new Date(job.finishedOn) : null,
    durationMs: finished && job.finishedOn && job.processedOn ? Math.max(0, job.finishedOn - job.processedOn) : null,
    lastError: job.failedReason || null,
  };
}

function cancelledSummary(anchor: AnchorDetail): JobSummary {
  return {
    id: anchor.key.slice('bullmq:'.length),
    definition: anchor.definition,
    eventName: anchor.eventName,
    status: 'CANCELLED',
    attempts: anchor.attempts,
    maxAttempts: anchor.maxAttempts,
    priority: 0,
    createdAt: anchor.createdAt,
    runAt: anchor.createdAt,
    startedAt: null,
    finishedAt: anchor.finishedAt,
    durationMs: null,
    lastError: null,
  };
}

function definitionMetrics(definition: string, completed: number, failed: number, retryRate: number | null, durations: number[], windowMs: number): DefinitionMetrics {
  const finished = completed + failed;
  const sorted = [...durations].sort((a, b) => a - b);
  return {
    definition,
    completed,
    failed,
    retried: retryRate === null ? 0 : Math.round(retryRate * finished),
    successRate: finished ? completed / finished : null,
    retryRate,
    avgDurationMs: sorted.length ? sorted.reduce((sum, value) => sum + value, 0) / sorted.length : null,
    p95DurationMs: sorted.length ? sorted[Math.ceil(0.95 * sorted.length) - 1]! : null,
    throughputPerMinute: finished / (windowMs / 60_000),
  };
}

function decodeCursor(cursor: string | undefined): Record<string, number> {
  if (cursor === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && Object.values(parsed).every((n) => Number.isInteger(n) && (n as number) >= 0)) {
      return parsed as Record<string, number>;
    }
  } catch {
    // falls through to the error below
  }
  throw new Error(`Invalid cursor "${cursor}"`);
}

function encodeCursor(offsets: Record<string, number>): string {
  return Buffer.from(JSON.stringify(offsets), 'utf8').toString('base64url');
}
