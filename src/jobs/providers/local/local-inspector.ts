// The local provider's JobInspector: everything in SQL over background_jobs / background_job_tasks, so the
// dashboard, the CLI and /api/health/jobs see exactly what workers see. Built from a database alone (no registry),
// so the CLI can open one against any database without starting a provider.
import { isJobRowId } from '../../job-id';
import type { DatabaseHandle } from '../../../db/client';
import { newEventId } from '../../fan-out';
import { cronSlotKey } from '../../cron';
import type {
  AttemptRecord,
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
import { stepDetails } from '../postgres-store/step-details';
import { redactPayload } from '../redact-payload';
import { insertJobs } from './sql/insert-jobs';
import {
  countJobRows,
  getJobRow,
  jobsByDedupeKey,
  listJobRows,
  queueHealthRow,
  type JobRow,
} from './sql/inspect-jobs';
import { definitionTotalsRows, durationHistogramRows, seriesRows, type DefinitionTotalsRow } from './sql/job-stats';
import { percentileOf } from './duration-histogram';
import { cancelJobRow, pruneBatch, replaySource, retryFailedBatch, retryJobRow } from './sql/operate-jobs';

/** Rows changed per statement by retryFailed and prune: short statements, few row locks at a time. */
const RETRY_BATCH = 500;
const PRUNE_BATCH = 1000;
const MAX_PAGE = 500;

/** Job ids are bigint identities: anything else names no job (and must not reach a ::bigint cast). */
function asJobId(id: string | undefined): string | null {
  return id !== undefined && isJobRowId(id) ? id : null;
}

export class LocalInspector implements JobInspector {
  constructor(private readonly database: DatabaseHandle) {}

  private get sql() {
    return this.database.sql;
  }

  async list(filter: JobFilter, page: { limit: number; cursor?: string }): Promise<JobPage> {
    if (filter.id !== undefined && asJobId(filter.id) === null) return { jobs: [] };
    if (page.cursor !== undefined && asJobId(page.cursor) === null) throw new Error(`Invalid cursor "${page.cursor}"`);
    const limit = Math.min(Math.max(1, Math.floor(page.limit)), MAX_PAGE);
    const rows = await listJobRows(this.sql, {
      status: filter.status ?? null,
      definition: filter.definition ?? null,
      id: asJobId(filter.id),
      createdSince: filter.createdSince ?? null,
      before: page.cursor ?? null,
      limit: limit + 1,
    });
    const jobs = rows.slice(0, limit).map(toSummary);
    return rows.length > limit ? { jobs, nextCursor: jobs.at(-1)!.id } : { jobs };
  }

  async get(id: string): Promise<JobDetail | undefined> {
    const jobId = asJobId(id);
    if (!jobId) return undefined;
    const [row, steps] = await Promise.all([getJobRow(this.sql, jobId), stepDetails(this.sql, jobId)]);
    if (!row) return undefined;
    return {
      ...toSummary(row),
      payload: redactPayload(row.payload),
      eventId: row.event_id,
      result: row.result ?? null,
      steps,
      attemptHistory: (Array.isArray(row.attempt_history) ? row.attempt_history : []) as AttemptRecord[],
      cancelReason: row.cancel_reason,
      cancellable: row.status === 'PENDING',
    };
  }

  async counts(): Promise<Record<JobStatus, number>> {
    return countJobRows(this.sql);
  }

  /** Exact counts and average; p95 from duration histograms (within about 12%: see duration-histogram.ts). */
  async metrics(options: { windowMs: number; buckets?: number }): Promise<JobMetrics> {
    const windowMs = Math.max(1, Math.floor(options.windowMs));
    const buckets = Math.min(Math.max(1, Math.floor(options.buckets ?? 24)), 1000);
    const [totals, histogramRows, series] = await Promise.all([
      definitionTotalsRows(this.sql, windowMs),
      durationHistogramRows(this.sql, windowMs),
      seriesRows(this.sql, windowMs, buckets),
    ]);
    const histograms = new Map<string, Map<number, number>>();
    const add = (definition: string, bucket: number, n: number) => {
      const histogram = histograms.get(definition) ?? new Map<number, number>();
      histogram.set(bucket, (histogram.get(bucket) ?? 0) + n);
      histograms.set(definition, histogram);
    };
    for (const row of histogramRows) {
      add(row.definition, row.bucket, row.n);
      add('*', row.bucket, row.n);
    }
    const overall = totals.reduce<DefinitionTotalsRow>(
      (sum, row) => ({
        definition: '*',
        completed: sum.completed + row.completed,
        failed: sum.failed + row.failed,
        retried: sum.retried + row.retried,
        duration_sum_ms: sum.duration_sum_ms + row.duration_sum_ms,
        duration_count: sum.duration_count + row.duration_count,
      }),
      { definition: '*', completed: 0, failed: 0, retried: 0, duration_sum_ms: 0, duration_count: 0 },
    );
    const minutes = windowMs / 60_000;
    const toMetrics = (row: DefinitionTotalsRow): DefinitionMetrics => {
      const finished = row.completed + row.failed;
      return {
        definition: row.definition,
        completed: row.completed,
        failed: row.failed,
        retried: row.retried,
        successRate: finished ? row.completed / finished : null,
        retryRate: finished ? row.retried / finished : null,
        avgDurationMs: row.duration_count ? row.duration_sum_ms / row.duration_count : null,
        p95DurationMs: percentileOf(histograms.get(row.definition) ?? new Map(), 0.95),
        throughputPerMinute: finished / minutes,
      };
    };
    const width = windowMs / buckets;
    const byBucket = new Map(series.rows.map((row) => [row.bucket, row]));
    return {
      windowMs,
      overall: toMetrics(overall),
      perDefinition: totals.map(toMetrics),
      series: Array.from({ length: buckets }, (_, bucket) => ({
        at: new Date(series.start.getTime() + bucket * width),
        completed: byBucket.get(bucket)?.completed ?? 0,
        failed: byBucket.get(bucket)?.failed ?? 0,
      })),
    };
  }

  async retry(id: string): Promise<RetryResult> {
    const jobId = asJobId(id);
    if (!jobId) return 'not-found';
    const change = await retryJobRow(this.sql, jobId);
    if (change.previous === null) return 'not-found';
    return change.changed ? 'retried' : 'not-failed';
  }

  async retryFailed(filter: Omit<JobFilter, 'status'>, onProgress?: (done: number) => void): Promise<{ retried: number }> {
    if (filter.id !== undefined && asJobId(filter.id) === null) return { retried: 0 };
    let after = '0';
    let retried = 0;
    for (;;) {
      const batch = await retryFailedBatch(this.sql, {
        after,
        definition: filter.definition ?? null,
        id: asJobId(filter.id),
        createdSince: filter.createdSince ?? null,
        limit: RETRY_BATCH,
      });
      retried += batch.retried;
      onProgress?.(retried);
      if (batch.seen < RETRY_BATCH || batch.last === null) return { retried };
      after = batch.last;
    }
  }

  async replay(id: string): Promise<ReplayResult> {
    const jobId = asJobId(id);
    const source = jobId ? await replaySource(this.sql, jobId) : undefined;
    if (!source) return { replayed: false, reason: 'not-found' };
    if (source.status !== 'COMPLETED') return { replayed: false, reason: 'not-completed' };
    // A new event id: handlers derive idempotency keys from it, and a replay is meant to do the work again.
    const [newId] = await insertJobs(this.database.db, [
      {
        jobId: source.job_id,
        eventName: source.event_name,
        payload: source.payload,
        maxAttempts: source.max_attempts,
        delayMs: 0,
        dedupeKey: null,
        eventId: newEventId(),
        concurrencyKey: source.concurrency_key,
        // The replay runs as the original did: same priority, cancellable by the same events.
        priority: source.priority,
        cancelKey: source.cancel_key,
      },
    ]);
    return { replayed: true, jobId: newId! };
  }

  async cancel(id: string, reason: string): Promise<CancelResult> {
    const jobId = asJobId(id);
    if (!jobId) return 'not-found';
    const change = await cancelJobRow(this.sql, jobId, reason);
    if (change.previous === null) return 'not-found';
    return change.changed ? 'cancelled' : 'not-cancellable';
  }

  async queueHealth(): Promise<QueueHealth> {
    const row = await queueHealthRow(this.sql);
    return { depth: row.depth, oldestPendingAgeMs: row.depth ? Math.max(0, row.oldest_ms ?? 0) : null, stuck: row.stuck };
  }

  async cronSlots(slots: ReadonlyArray<{ definition: string; slot: Date }>): Promise<CronSlotRun[]> {
    if (slots.length === 0) return [];
    const keys = slots.map((slot) => cronSlotKey(slot.definition, slot.slot));
    const found = new Map((await jobsByDedupeKey(this.sql, keys)).map((row) => [row.dedupe_key, row]));
    return slots.map((slot, index) => {
      const job = found.get(keys[index]!);
      return { definition: slot.definition, slot: slot.slot, jobId: job?.id ?? null, status: job?.status ?? null };
    });
  }

  async prune(before: Date, onProgress?: (done: number) => void): Promise<{ deleted: number }> {
    let deleted = 0;
    for (;;) {
      const n = await pruneBatch(this.sql, before, PRUNE_BATCH);
      deleted += n;
      onProgress?.(deleted);
      if (n < PRUNE_BATCH) return { deleted };
    }
  }
}

function toSummary(row: JobRow): JobSummary {
  return {
    id: row.id,
    definition: row.job_id,
    eventName: row.event_name,
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    priority: row.priority,
    createdAt: new Date(row.created_at),
    runAt: new Date(row.run_at),
    startedAt: row.started_at ? new Date(row.started_at) : null,
    finishedAt: row.completed_at ? new Date(row.completed_at) : null,
    durationMs: row.duration_ms,
    lastError: row.last_error,
  };
}
