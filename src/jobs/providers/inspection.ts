// The inspection capability: what the operators' dashboard (/admin/jobs), the CLI (`npm run jobs`) and
// /api/health/jobs read and do, written once against this contract. Providers that keep jobs' state with us
// implement it (local in SQL, BullMQ through BullMQ's own Queue API); Inngest keeps it in Inngest cloud and offers
// `externalDashboardUrl` instead.
import type { JobStatus } from '../../db/schema/jobs';

export type { JobStatus };

export interface JobSummary {
  /** The provider's job id (what dispatch returned). */
  id: string;
  /** The definition id, e.g. "send-signing-email". */
  definition: string;
  eventName: string;
  status: JobStatus;
  /** Attempts started so far. */
  attempts: number;
  maxAttempts: number;
  priority: number;
  createdAt: Date;
  /** When it is (or was) due. */
  runAt: Date;
  /** When the current or last attempt started. */
  startedAt: Date | null;
  /** When it reached COMPLETED, FAILED or CANCELLED. */
  finishedAt: Date | null;
  /** finishedAt − startedAt of the last attempt, when finished. */
  durationMs: number | null;
  lastError: string | null;
}

export interface StepDetail {
  id: string;
  status: 'COMPLETED' | 'FAILED';
  output: unknown;
  error: string | null;
  /** Runs of this step (a failed step retried counts each time). */
  attempts: number;
  startedAt: Date | null;
  durationMs: number | null;
}

export interface AttemptRecord {
  /** 0-based, as handlers see `attempt`. */
  attempt: number;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  outcome: 'completed' | 'retry' | 'failed' | 'sleep' | 'lease-lost' | 'released' | 'cancelled';
  error?: string;
}

export interface JobDetail extends JobSummary {
  /** The event payload, with secret-looking fields redacted. */
  payload: unknown;
  eventId: string | null;
  /** The handler's return value, once COMPLETED. */
  result: unknown;
  steps: StepDetail[];
  attemptHistory: AttemptRecord[];
  cancelReason: string | null;
  /** Whether cancel() can take it now: PENDING (sleeping included), and on BullMQ not a slot its cron schedule queued. */
  cancellable: boolean;
}

export interface JobFilter {
  status?: JobStatus;
  definition?: string;
  /** Exact job id. */
  id?: string;
  /** Only jobs created at or after this instant. */
  createdSince?: Date;
}

export interface JobPage {
  jobs: JobSummary[];
  /** Opaque keyset cursor for the next (older) page; absent on the last page. */
  nextCursor?: string;
}

export interface DefinitionMetrics {
  /** The definition id, or "*" for all of them. */
  definition: string;
  completed: number;
  failed: number;
  /** Jobs finished in the window that needed more than one attempt. */
  retried: number;
  /** completed / (completed + failed); null when nothing finished. */
  successRate: number | null;
  /** retried / finished; null when nothing finished. */
  retryRate: number | null;
  avgDurationMs: number | null;
  p95DurationMs: number | null;
  /** Finished jobs per minute over the window. */
  throughputPerMinute: number;
}

export interface JobMetrics {
  windowMs: number;
  overall: DefinitionMetrics;
  perDefinition: DefinitionMetrics[];
  /** Completions and failures per bucket, oldest first. */
  series: Array<{ at: Date; completed: number; failed: number }>;
}

export type RetryResult = 'retried' | 'not-found' | 'not-failed';
export type ReplayResult = { replayed: true; jobId: string } | { replayed: false; reason: 'not-found' | 'not-completed' };
export type CancelResult = 'cancelled' | 'not-found' | 'not-cancellable';

export interface QueueHealth {
  /** PENDING jobs that are due now. */
  depth: number;
  /** Age of the oldest due PENDING job; null when none is due. */
  oldestPendingAgeMs: number | null;
  /** PROCESSING jobs whose lease has lapsed (their worker is presumed dead). */
  stuck: number;
}

/** Whether a cron definition's slot produced a job, and how it went. */
export interface CronSlotRun {
  definition: string;
  slot: Date;
  jobId: string | null;
  status: JobStatus | null;
}

export interface JobInspector {
  /** Newest first, keyset paged. */
  list(filter: JobFilter, page: { limit: number; cursor?: string }): Promise<JobPage>;
  get(id: string): Promise<JobDetail | undefined>;
  /** Jobs per status, now. */
  counts(): Promise<Record<JobStatus, number>>;
  metrics(options: { windowMs: number; buckets?: number }): Promise<JobMetrics>;
  /** A FAILED job goes back to PENDING with fresh attempts; its completed steps stay memoized. */
  retry(id: string): Promise<RetryResult>;
  /** Retries every FAILED job matching the filter; `onProgress` is called as batches go. */
  retryFailed(filter: Omit<JobFilter, 'status'>, onProgress?: (done: number) => void): Promise<{ retried: number }>;
  /** A COMPLETED job's payload dispatched again as a new job of the same definition. */
  replay(id: string): Promise<ReplayResult>;
  /** A PENDING (or sleeping) job becomes CANCELLED with the reason; no worker claims it. */
  cancel(id: string, reason: string): Promise<CancelResult>;
  queueHealth(): Promise<QueueHealth>;
  /** For each (definition, slot), the job that slot created, if any (cron jobs are deduped per slot). */
  cronSlots(slots: ReadonlyArray<{ definition: string; slot: Date }>): Promise<CronSlotRun[]>;
  /** Deletes finished jobs (COMPLETED, FAILED, CANCELLED) that finished before `before`. */
  prune(before: Date, onProgress?: (done: number) => void): Promise<{ deleted: number }>;
}
