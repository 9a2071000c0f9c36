// cancelOn for BullMQ, which cannot query jobs by their data: each job of a definition with cancelOn is added to a
// Redis set named for its match value when it is enqueued, and a cancelling event removes the members that are
// still waiting, delayed (retry backoff, step.sleep) or prioritized. An active job is locked by its worker and
// BullMQ refuses to remove it, so it runs to its end, as on the local provider. The sets expire with the retention
// window, like the jobs they point at.
import { Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { PlannedCancellation } from '../../fan-out';

const CANCELLABLE_STATES = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children', 'paused']);

export function cancelSetKey(prefix: string, definitionId: string, cancelKey: string): string {
  return `${prefix}:${definitionId}:cancel-on:${cancelKey}`;
}

/** Remembers which jobs a future cancelling event should look at. */
export async function indexCancellableJobs(
  redis: Redis,
  prefix: string,
  jobs: ReadonlyArray<{ definitionId: string; cancelKey: string; jobId: string }>,
  ttlSeconds: number,
): Promise<void> {
  if (jobs.length === 0) return;
  const pipeline = redis.pipeline();
  for (const job of jobs) {
    const key = cancelSetKey(prefix, job.definitionId, job.cancelKey);
    pipeline.sadd(key, job.jobId).expire(key, ttlSeconds);
  }
  await pipeline.exec();
}

export interface RemovedJob {
  definitionId: string;
  job: Job;
  cause: string;
}

/** Removes the still-pending jobs these cancellations name; returns them so the caller can record why. */
export async function removeCancelledJobs(
  redis: Redis,
  prefix: string,
  queueOf: (definitionId: string) => Queue,
  cancellations: readonly PlannedCancellation[],
): Promise<RemovedJob[]> {
  const removed: RemovedJob[] = [];
  for (const cancellation of cancellations) {
    const key = cancelSetKey(prefix, cancellation.definitionId, cancellation.cancelKey);
    const queue = queueOf(cancellation.definitionId);
    for (const jobId of await redis.smembers(key)) {
      const job = await Job.fromId(queue, jobId);
      if (!job || !CANCELLABLE_STATES.has(await job.getState())) {
        if (!job || (await job.isCompleted()) || (await job.isFailed())) await redis.srem(key, jobId);
        continue;
      }
      try {
        await job.remove();
      } catch {
        continue; // became active in the meantime: it runs to its end
      }
      await redis.srem(key, jobId);
      removed.push({ definitionId: cancellation.definitionId, job, cause: cancellation.cause });
    }
  }
  return removed;
}
