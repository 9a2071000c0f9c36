// The local provider's queue. Hot statements live in src/jobs/providers/local/sql/, each with its reasoning;
// every one of them is served by an index declared here.
import { sql } from 'drizzle-orm';
import { bigint, check, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

// CANCELLED: by an admin (dashboard, CLI) or by a definition's cancelOn event; no worker claims it again.
export const JOB_STATUSES = ['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const backgroundJobs = pgTable(
  'background_jobs',
  {
    // bigint identity, not uuid: smaller index entries and monotonic inserts keep the claim index compact.
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    jobId: text('job_id').notNull(),
    eventName: text('event_name').notNull(),
    payload: jsonb('payload').notNull(),
    status: text('status', { enum: JOB_STATUSES }).notNull().default('PENDING'),
    /** Attempts started so far; also the fencing token a worker presents to complete, fail or memoize. */
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    runAt: timestamp('run_at', { withTimezone: true }).notNull().defaultNow(),
    lockedBy: text('locked_by'),
    /** New on every claim; completion, failure, renewal and memo writes must present it (fencing a stale worker). */
    lockToken: uuid('lock_token'),
    /** Lease end; a PROCESSING job past it is claimable again (its worker is presumed dead). */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    concurrencyKey: text('concurrency_key'),
    dedupeKey: text('dedupe_key'),
    /** What handlers see as event.id: the dispatched dedupe id, or one generated at dispatch (every job of one event shares it). */
    eventId: text('event_id'),
    lastError: text('last_error'),
    /** Higher runs first among due jobs (definition default, or per dispatch). */
    priority: integer('priority').notNull().default(0),
    /** When the current (or last) attempt started; set by the claim, so it costs no extra statement. */
    startedAt: timestamp('started_at', { withTimezone: true }),
    /** The handler's return value (JSON), written by the completion statement. */
    result: jsonb('result'),
    /** Every finished attempt: [{ attempt, startedAt, finishedAt, durationMs, outcome, error? }], appended by the
     * statement that ends the attempt. */
    attemptHistory: jsonb('attempt_history').notNull().default(sql`'[]'::jsonb`),
    /** The value of the definition's cancelOn match field in the payload (null when nothing can cancel the job). */
    cancelKey: text('cancel_key'),
    /** Why the job is CANCELLED: who cancelled it or which event (cancelOn). */
    cancelReason: text('cancel_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (table) => [
    // dispatch({ id }) and cron slots: ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING. Partial,
    // because most jobs have no dedupe key and a B-tree would still store their NULLs: one index write per
    // insert saved (bulk enqueue measured ~25% faster).
    uniqueIndex('background_jobs_dedupe_key_key').on(table.dedupeKey).where(sql`${table.dedupeKey} is not null`),
    // claim-jobs: due PENDING jobs, higher priority first, then in run_at order. Partial, so finished rows never
    // enter it. Within one priority the due rows come before the delayed ones, so the scan reads delayed rows only
    // of priorities above the first one with due work (a few, unless many delayed jobs carry a raised priority).
    index('background_jobs_pending_priority_idx')
      .on(table.priority.desc().nullsFirst(), table.runAt, table.id)
      .where(sql`${table.status} = 'PENDING'`),
    // claim-limited-jobs' candidates and claim-jobs' limited_due probe: per limited definition, its due jobs in
    // priority, then run_at order, whatever backlog other definitions have. Only rows with a concurrency key enter
    // it (every job of a limited definition has one, '' without a key expression), so unlimited jobs pay nothing.
    index('background_jobs_limited_pending_idx')
      .on(table.jobId, table.priority.desc().nullsFirst(), table.runAt, table.id)
      .where(sql`${table.status} = 'PENDING' and ${table.concurrencyKey} is not null`),
    // Concurrency counting (claim-limited-jobs) and the lapsed-lease sweep (reclaim-expired). PROCESSING rows are
    // at most the slots of all workers, so the sweep's full scan of this partial index stays tiny; a second index
    // on locked_until alone would cost a write on every claim for nothing.
    index('background_jobs_processing_idx')
      .on(table.jobId, table.concurrencyKey, table.lockedUntil)
      .where(sql`${table.status} = 'PROCESSING'`),
    // cancelOn: a cancelling event finds the pending jobs of a definition with its match value. Only jobs of
    // definitions that have cancelOn carry a key, so other jobs pay nothing for it.
    index('background_jobs_cancel_key_idx')
      .on(table.jobId, table.cancelKey)
      .where(sql`${table.status} = 'PENDING' and ${table.cancelKey} is not null`),
    // Finished jobs by when they finished: retention (COMPLETED by age), the inspector's metrics window and prune.
    // It replaced a COMPLETED-only index: the same one write per completion, now also serving FAILED/CANCELLED.
    index('background_jobs_finished_idx')
      .on(table.completedAt)
      .where(sql`${table.status} in ('COMPLETED', 'FAILED', 'CANCELLED')`),
    // The inspector's FAILED list, `retry-failed` batches and FAILED counts, newest first by id. Partial: a job
    // that succeeds never enters it, so the hot path pays nothing for it.
    index('background_jobs_failed_idx').on(table.id).where(sql`${table.status} = 'FAILED'`),
    // The inspector's CANCELLED list and count (COMPLETED is counted as finished − FAILED − CANCELLED, so no status
    // needs a scan of the table). Written only when a job is cancelled.
    index('background_jobs_cancelled_idx').on(table.id).where(sql`${table.status} = 'CANCELLED'`),
    check('background_jobs_status_check', sql`${table.status} in ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED')`),
  ],
);

export const backgroundJobTasks = pgTable(
  'background_job_tasks',
  {
    // No foreign key: its check on every memo insert locked the job's row (a WAL record and a dirtied page per memo),
    // ~17% of three-step throughput, measured 2026-12-04. Each memo insert is joined to its job's row under the
    // job's lock token (memo-writer.ts), and a statement trigger on background_jobs deletes a deleted job's memos
    // (migration 0015), which is what the cascade did.
    jobId: bigint('job_id', { mode: 'bigint' }).notNull(),
    /** The step id from step.run/sleep/sendEvent: stable forever, it keys the memo. */
    stepId: text('step_id').notNull(),
    status: text('status', { enum: ['COMPLETED', 'FAILED'] }).notNull(),
    output: jsonb('output'),
    error: text('error'),
    attempts: integer('attempts').notNull().default(1),
    /** When the step's last run started, and how long it took (null on rows written before timing existed). */
    startedAt: timestamp('started_at', { withTimezone: true }),
    durationMs: integer('duration_ms'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // The primary key serves the only lookup: all memos of one job.
  (table) => [primaryKey({ columns: [table.jobId, table.stepId] })],
);

// Sliding-window logs of throttle and rateLimit: one row per job start of a throttled definition ('start', written
// by the limited claim) and per job created by a rate-limited one ('accept', written by the enqueue). Only those
// definitions write here, so other jobs pay nothing; rows older than their definition's period are pruned hourly.
export const JOB_RATE_KINDS = ['start', 'accept'] as const;

export const backgroundJobRateLog = pgTable(
  'background_job_rate_log',
  {
    jobId: text('job_id').notNull(),
    kind: text('kind', { enum: JOB_RATE_KINDS }).notNull(),
    /** The throttle's or rate limit's key value ('' without a key). */
    rateKey: text('rate_key').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  // The one lookup: entries of (definition, kind, key) newer than the period, and the prune by age per definition.
  (table) => [index('background_job_rate_log_lookup_idx').on(table.jobId, table.kind, table.rateKey, table.at)],
);

// Hourly roll-ups of finished jobs per definition, for the inspector's metrics over long windows: a week of a busy
// queue is a million rows to aggregate, its roll-ups a few thousand. Written by the scheduler's tick for every hour
// that ended more than a few minutes ago (see sql/job-stats.ts), never by the hot path; they outlive the jobs
// themselves (retention deletes those), so metrics cover history the jobs table no longer holds.
export const backgroundJobStats = pgTable(
  'background_job_stats',
  {
    /** The hour the jobs finished in (completed_at truncated to the hour, UTC). */
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    jobId: text('job_id').notNull(),
    completed: integer('completed').notNull(),
    failed: integer('failed').notNull(),
    /** Finished jobs that needed more than one attempt. */
    retried: integer('retried').notNull(),
    /** Sum and count of the durations known (started_at set), for the average. */
    durationSumMs: doublePrecision('duration_sum_ms').notNull(),
    durationCount: integer('duration_count').notNull(),
    /** Durations as a sparse histogram {"bucket": count} over DURATION_BUCKETS_MS (p95 merges across hours). */
    durationHistogram: jsonb('duration_histogram').notNull(),
  },
  (table) => [primaryKey({ columns: [table.hour, table.jobId] })],
);

/** How far the roll-ups reach: every job that finished before `rolledUpTo` is counted in background_job_stats. */
export const backgroundJobStatsProgress = pgTable(
  'background_job_stats_progress',
  {
    /** Always 1: one row. */
    id: integer('id').primaryKey(),
    rolledUpTo: timestamp('rolled_up_to', { withTimezone: true }).notNull(),
  },
  (table) => [check('background_job_stats_progress_one_row', sql`${table.id} = 1`)],
);
