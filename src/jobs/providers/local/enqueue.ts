// One enqueue of the local provider: the cancellations the events cause (cancelOn), the admission of rate-limited
// jobs (rateLimit), and the insert, as one unit. Plain enqueues (neither) stay one statement; the others run in one
// transaction (the caller's, when dispatch was given { tx }), so a failed enqueue cancels and admits nothing.
import type { Database } from '../../../db/client';
import { rateKeyOf, type PlannedCancellation, type PlannedJob } from '../../fan-out';
import { admitRateLimited } from './sql/admit-rate-limited';
import { cancelMatchingJobs } from './sql/cancel-jobs';
import { insertJobs } from './sql/insert-jobs';

/** Returns the ids of the jobs created (or found, for dedupe ids), in input order; rate-limited ones skipped. */
export async function enqueueJobs(
  db: Database,
  planned: readonly PlannedJob[],
  options: { delayMs: number; cancellations: readonly PlannedCancellation[] },
): Promise<string[]> {
  const rateLimited = planned.some((job) => job.definition.rateLimit);
  if (!rateLimited && options.cancellations.length === 0) return insertJobs(db, planned.map((job) => toRow(job, options.delayMs)));
  return db.transaction(async (tx) => {
    // Cancellations first: an event cancels jobs dispatched before it, never the ones it triggers itself.
    await cancelMatchingJobs(tx, options.cancellations);
    const admitted = rateLimited ? await admit(tx, planned) : planned;
    return insertJobs(tx, admitted.map((job) => toRow(job, options.delayMs)));
  });
}

async function admit(db: Database, planned: readonly PlannedJob[]): Promise<PlannedJob[]> {
  const limited = planned.filter((job) => job.definition.rateLimit);
  const verdicts = await admitRateLimited(
    db,
    limited.map((job) => ({ jobId: job.definition.id, rateKey: rateKeyOf(job.definition, job.data), ...job.definition.rateLimit! })),
  );
  const skipped = new Set(limited.filter((_, index) => !verdicts[index]));
  return planned.filter((job) => !skipped.has(job));
}

function toRow(job: PlannedJob, delayMs: number) {
  return {
    jobId: job.definition.id,
    eventName: job.eventName,
    payload: job.data,
    maxAttempts: job.definition.retries + 1,
    delayMs,
    dedupeKey: job.dedupeKey,
    eventId: job.eventId,
    concurrencyKey: job.concurrencyKey,
    priority: job.priority,
    cancelKey: job.cancelKey,
  };
}
