// Upper bounds on every wait in the bench. Generous: they exist to turn a hang into a clear failure, not to
// judge speed. A run that hits one is reported as failed for that figure.

/** Scratch database creation plus the library's migrations. */
export const SETUP_TIMEOUT_MS = 120_000;
/** Closing producer clients. */
export const TEARDOWN_TIMEOUT_MS = 60_000;
/** Dropping scratch databases and Redis keys. */
export const CLEANUP_TIMEOUT_MS = 60_000;
/** One bulk enqueue call of N jobs. */
export const BULK_ENQUEUE_TIMEOUT_MS = 120_000;
/** One single-job enqueue call; a healthy one takes milliseconds. */
export const ENQUEUE_ONE_TIMEOUT_MS = 10_000;
/** Starting a worker (graphile-worker re-checks migrations, pg-boss starts its manager). */
export const START_WORKER_TIMEOUT_MS = 60_000;
/** Graceful stop: pg-boss polls for in-flight batches every 500 ms before closing. */
export const STOP_WORKER_TIMEOUT_MS = 60_000;
/** No job for this long means a stuck worker: pg-boss's slowest poll is 2 s, so 30 s is far past any normal gap. */
export const STALL_MS = 30_000;
/** Waiting for the last latency jobs after the final send. */
export const LATENCY_DRAIN_TIMEOUT_MS = 30_000;

/**
 * How often the harness reads a system's count of finished jobs, once every handler has run. Short, so the figure
 * is not rounded up to a poll; the reads start only after the handler countdown, so they add no load to the run.
 */
export const FINISHED_POLL_MS = 2;

/** Processing N jobs: a floor of 50 jobs/s plus a minute of slack. */
export function processTimeoutMs(jobs: number): number {
  return 60_000 + jobs * 20;
}

/** An extra workload as a whole: as long as processing plus enqueueing N jobs. */
export function extraWorkloadTimeoutMs(jobs: number): number {
  return 2 * processTimeoutMs(jobs);
}
