// The jobs' health, judged: queue figures, the last hour's outcomes and the cron slots that never ran, checked
// against the thresholds of src/env.ts (JOBS_ALERT_*). Pure: /api/health/jobs and the job-health-alerts job gather
// the inputs through the inspection contract (read-job-health.ts) and both judge them here, the same way.
import { latestSlot, slotsAfter } from '../jobs/cron';
import type { CronSlotRun, QueueHealth } from '../jobs/providers/inspection';

export interface JobHealthThresholds {
  /** The most due PENDING jobs that still count as healthy. */
  queueDepth: number;
  oldestPendingMs: number;
  /** The most PROCESSING jobs past their lease. */
  stuck: number;
  /** The highest failed / finished over the last hour, 0–1. */
  failureRate: number;
  /** The highest retried / finished over the last hour, 0–1. */
  retryRate: number;
  /** Rates over fewer finished jobs are reported but never breach. */
  minFinished: number;
  /** How long a cron slot's job may be missing before the slot counts as missed. */
  cronGraceMs: number;
}

export const BREACH_NAMES = ['queue-depth', 'oldest-pending', 'stuck', 'failure-rate', 'retry-rate', 'missed-cron'] as const;
export type BreachName = (typeof BREACH_NAMES)[number];

export interface Breach {
  name: BreachName;
  value: number;
  limit: number;
}

export interface MissedCronSlot {
  definition: string;
  slot: string;
  expectedBy: string;
}

export interface JobHealthInputs {
  now: Date;
  queue: QueueHealth;
  /** Jobs that finished in the last hour. */
  lastHour: { completed: number; failed: number; retried: number };
  missedCron: MissedCronSlot[];
}

export interface JobHealthReport {
  status: 'ok' | 'breached';
  checkedAt: string;
  queue: { depth: number; oldestPendingAgeSeconds: number | null; stuck: number };
  lastHour: { finished: number; completed: number; failed: number; retried: number; failureRate: number | null; retryRate: number | null };
  missedCron: MissedCronSlot[];
  breaches: Breach[];
}

export const HEALTH_WINDOW_MS = 60 * 60 * 1000;

export function evaluateJobHealth(inputs: JobHealthInputs, thresholds: JobHealthThresholds): JobHealthReport {
  const { queue, lastHour } = inputs;
  const finished = lastHour.completed + lastHour.failed;
  const failureRate = finished ? lastHour.failed / finished : null;
  const retryRate = finished ? lastHour.retried / finished : null;
  const ratesCount = finished >= thresholds.minFinished;
  const oldestMs = queue.oldestPendingAgeMs ?? 0;
  const candidates: Array<Breach & { breached: boolean }> = [
    { name: 'queue-depth', value: queue.depth, limit: thresholds.queueDepth, breached: queue.depth > thresholds.queueDepth },
    // In seconds, as the threshold is configured; rounded up, so a breached value always reads as over its limit.
    { name: 'oldest-pending', value: Math.ceil(oldestMs / 1000), limit: thresholds.oldestPendingMs / 1000, breached: oldestMs > thresholds.oldestPendingMs },
    { name: 'stuck', value: queue.stuck, limit: thresholds.stuck, breached: queue.stuck > thresholds.stuck },
    { name: 'failure-rate', value: failureRate ?? 0, limit: thresholds.failureRate, breached: ratesCount && (failureRate ?? 0) > thresholds.failureRate },
    { name: 'retry-rate', value: retryRate ?? 0, limit: thresholds.retryRate, breached: ratesCount && (retryRate ?? 0) > thresholds.retryRate },
    { name: 'missed-cron', value: inputs.missedCron.length, limit: 0, breached: inputs.missedCron.length > 0 },
  ];
  const breaches = candidates.filter((candidate) => candidate.breached).map(({ name, value, limit }) => ({ name, value, limit }));
  return {
    status: breaches.length ? 'breached' : 'ok',
    checkedAt: inputs.now.toISOString(),
    queue: { depth: queue.depth, oldestPendingAgeSeconds: queue.oldestPendingAgeMs === null ? null : Math.round(queue.oldestPendingAgeMs / 1000), stuck: queue.stuck },
    lastHour: { finished, ...lastHour, failureRate, retryRate },
    missedCron: inputs.missedCron,
    breaches,
  };
}

/** Slots looked at per schedule: the one due by now − grace and those after it (a `* * * * *` with an hour's grace). */
const MAX_SLOTS_PER_SCHEDULE = 61;

export interface CronExpectation {
  definition: string;
  /** The latest slot that should have produced a job by now (its grace is over). */
  slot: Date;
  expectedBy: Date;
  /** That slot and every later one up to now: a job for any of them means the schedule runs. */
  slots: Date[];
}

/**
 * For each cron schedule, the slot whose job must exist by now. A later slot's job counts too: the scheduler only
 * enqueues the latest slot (no backfill), so after a restart the slot before it never gets a job, yet the schedule
 * is running.
 */
export function cronExpectations(schedules: ReadonlyArray<{ id: string; cron: string }>, now: Date, graceMs: number): CronExpectation[] {
  return schedules.flatMap((schedule) => {
    const slot = latestSlot(schedule.cron, new Date(now.getTime() - graceMs));
    if (!slot) return [];
    const later = slotsAfter(schedule.cron, slot, now, MAX_SLOTS_PER_SCHEDULE - 1);
    return [{ definition: schedule.id, slot, expectedBy: new Date(slot.getTime() + graceMs), slots: [slot, ...later] }];
  });
}

/** The expectations no slot of which produced a job, given what the inspector found for each (definition, slot). */
export function missedCronSlots(expectations: readonly CronExpectation[], runs: readonly CronSlotRun[]): MissedCronSlot[] {
  const ran = new Set(runs.filter((run) => run.jobId !== null).map((run) => `${run.definition}@${run.slot.getTime()}`));
  return expectations
    .filter((expectation) => !expectation.slots.some((slot) => ran.has(`${expectation.definition}@${slot.getTime()}`)))
    .map((expectation) => ({ definition: expectation.definition, slot: expectation.slot.toISOString(), expectedBy: expectation.expectedBy.toISOString() }));
}
