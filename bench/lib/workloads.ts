// The four standard workloads. Each receives a set-up system (fresh, empty state) and returns its figure;
// the harness (run-system.ts) creates, sets up and tears down around each one.
import {
  BULK_ENQUEUE_TIMEOUT_MS,
  ENQUEUE_ONE_TIMEOUT_MS,
  FINISHED_POLL_MS,
  LATENCY_DRAIN_TIMEOUT_MS,
  START_WORKER_TIMEOUT_MS,
  STALL_MS,
  STOP_WORKER_TIMEOUT_MS,
  processTimeoutMs,
} from './limits';
import { formatRate } from './format';
import { percentile } from './stats';
import type { BenchSystem, JobPayload, RunningWorker, WorkloadSettings } from './system';
import { Countdown, now, sleep, waitUntilReached, withTimeout } from './timing';

export interface LatencyFigures {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/**
 * Jobs sent and awaited before the timed latency jobs: the first jobs pay for JIT, prepared statements and script
 * loading, and with M = 1,000 the 10 slowest samples *are* the p99, so a cold start would set it.
 */
const LATENCY_WARMUP_JOBS = 20;

/** N jobs in one bulk call → jobs/s. */
export async function measureBulkEnqueue(system: BenchSystem, settings: WorkloadSettings): Promise<number> {
  const startedAt = performance.now();
  await withTimeout(system.bulkEnqueue(settings.jobs), BULK_ENQUEUE_TIMEOUT_MS, `bulk enqueue of ${settings.jobs} jobs`);
  return perSecond(settings.jobs, performance.now() - startedAt);
}

/** N jobs enqueued one by one, each awaited before the next → jobs/s. */
export async function measureSingleEnqueue(system: BenchSystem, settings: WorkloadSettings): Promise<number> {
  const startedAt = performance.now();
  for (let i = 0; i < settings.jobs; i += 1) await enqueueOne(system, `single enqueue #${i + 1}`);
  return perSecond(settings.jobs, performance.now() - startedAt);
}

/**
 * N jobs bulk-enqueued (untimed), then one worker at the configured concurrency; timed from just before the worker
 * starts (its start-up is part of the cost) until the system reports N jobs finished → jobs/s.
 */
export async function measureProcess(system: BenchSystem, settings: WorkloadSettings): Promise<number> {
  const { jobs, concurrency } = settings;
  await withTimeout(system.bulkEnqueue(jobs), BULK_ENQUEUE_TIMEOUT_MS, `bulk enqueue of ${jobs} jobs to process`);
  const countdown = new Countdown(jobs);
  const startedAt = performance.now();
  const worker = await startWorker(system, { concurrency, onJob: () => countdown.tick() });
  let elapsedMs: number;
  try {
    elapsedMs = await timeToFinished({ what: `processing ${jobs} jobs`, handler: 'started', countdown, startedAt, finishedCount: () => system.finishedCount() });
  } finally {
    await stopWorker(worker);
  }
  // A job that ran twice would inflate the rate; the no-op handler never fails, so more runs than jobs is a bug.
  if (countdown.count !== jobs) throw new Error(`processing: the handler ran ${countdown.count} times for ${jobs} jobs`);
  return perSecond(jobs, elapsedMs);
}

/**
 * The end of a throughput workload: waits for the handler countdown (no queries while jobs run), then polls the
 * system's own count of finished jobs until it reaches the countdown's target. Logs both moments on stderr and
 * returns the milliseconds from `startedAt` (a `performance.now()`) to the last job reported finished.
 */
export async function timeToFinished(options: {
  readonly what: string;
  /** What the countdown counts, for the log line: the handler's start (no-op) or its end (multi-step). */
  readonly handler: 'started' | 'ended';
  readonly countdown: Countdown;
  readonly startedAt: number;
  readonly finishedCount: () => Promise<number>;
}): Promise<number> {
  const { what, countdown, startedAt } = options;
  const jobs = countdown.target;
  const timeoutMs = processTimeoutMs(jobs);
  await countdown.wait({ what, timeoutMs, stallMs: STALL_MS });
  const handlersMs = performance.now() - startedAt;
  await waitUntilReached(options.finishedCount, {
    target: jobs,
    what: `${what}: jobs the system reports finished`,
    timeoutMs,
    stallMs: STALL_MS,
    pollMs: FINISHED_POLL_MS,
  });
  const finishedMs = performance.now() - startedAt;
  console.error(
    `bench: ${what}: handler ${options.handler} ${jobs} times after ${handlersMs.toFixed(0)} ms (${formatRate(perSecond(jobs, handlersMs))}/s), ` +
      `all reported finished after ${finishedMs.toFixed(0)} ms (${formatRate(perSecond(jobs, finishedMs))}/s)`,
  );
  return finishedMs;
}

/**
 * A waiting worker; M jobs sent one at a time on a fixed schedule at the configured rate (a late send is not
 * made up by bunching: the next one keeps its own slot). Latency runs from just before the enqueue call to the
 * handler's start, both on this process's clock → p50/p95/p99 ms.
 */
export async function measureLatency(system: BenchSystem, settings: WorkloadSettings): Promise<LatencyFigures> {
  const { latencyJobs, latencyRatePerSec, concurrency } = settings;
  const warmup = new Countdown(LATENCY_WARMUP_JOBS);
  const timed = new Countdown(latencyJobs);
  const latencies: number[] = [];
  let timedFrom = Number.POSITIVE_INFINITY;
  const onJob = (payload: JobPayload): void => {
    const startedAt = now();
    if (payload.sentAtMs === undefined) return;
    if (payload.sentAtMs < timedFrom) return warmup.tick();
    latencies.push(startedAt - payload.sentAtMs);
    timed.tick();
  };

  const worker = await startWorker(system, { concurrency, onJob });
  try {
    await sendPaced(system, LATENCY_WARMUP_JOBS, latencyRatePerSec, 'latency warm-up');
    await warmup.wait({ what: 'latency warm-up jobs', timeoutMs: LATENCY_DRAIN_TIMEOUT_MS, stallMs: STALL_MS });
    timedFrom = now();
    await sendPaced(system, latencyJobs, latencyRatePerSec, 'latency send');
    await timed.wait({ what: `latency: the last of ${latencyJobs} jobs`, timeoutMs: LATENCY_DRAIN_TIMEOUT_MS, stallMs: STALL_MS });
  } finally {
    await stopWorker(worker);
  }
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) };
}

async function sendPaced(system: BenchSystem, count: number, ratePerSec: number, what: string): Promise<void> {
  const intervalMs = 1000 / ratePerSec;
  const startedAt = performance.now();
  for (let i = 0; i < count; i += 1) {
    const wait = startedAt + i * intervalMs - performance.now();
    if (wait > 0) await sleep(wait);
    await enqueueOne(system, `${what} #${i + 1}`);
  }
}

async function enqueueOne(system: BenchSystem, what: string): Promise<void> {
  await withTimeout(system.enqueueOne(now()), ENQUEUE_ONE_TIMEOUT_MS, what);
}

/** Start a worker within START_WORKER_TIMEOUT_MS; exported for extra workloads. */
export function startWorker(system: BenchSystem, options: Parameters<BenchSystem['startWorker']>[0]): Promise<RunningWorker> {
  return withTimeout(system.startWorker(options), START_WORKER_TIMEOUT_MS, 'starting the worker');
}

/** Stop a worker within STOP_WORKER_TIMEOUT_MS; exported for extra workloads. */
export function stopWorker(worker: RunningWorker): Promise<void> {
  return withTimeout(worker.stop(), STOP_WORKER_TIMEOUT_MS, 'stopping the worker');
}

function perSecond(count: number, elapsedMs: number): number {
  return (count * 1000) / elapsedMs;
}
