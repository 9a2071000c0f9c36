// The contract every benchmarked system implements: the peers (graphile-worker, pg-boss, BullMQ) and our own
// providers. A system only enqueues and runs no-op jobs; the harness owns timing, pacing, timeouts and cleanup.
//
// Lifecycle: the harness calls `create()` once per workload (so every workload starts from empty state), then
// setup() → the workload → teardown(), then drops whatever the instance took from `context.scratch`.
import type { BenchConfig } from './config';
import type { Scratch } from './scratch';

/** What a benchmark job carries. Bulk-enqueued jobs carry nothing; timed jobs carry their send time. */
export interface JobPayload {
  /** `performance.timeOrigin + performance.now()` taken just before the enqueue call. */
  readonly sentAtMs?: number;
}

export interface WorkerOptions {
  readonly concurrency: number;
  /** Call this first thing in the job handler with the payload as enqueued; the handler does nothing else. */
  onJob(payload: JobPayload): void;
}

export interface RunningWorker {
  /** Stop taking jobs, let running ones finish, close the worker's connections. */
  stop(): Promise<void>;
}

export interface BenchSystem {
  /** Fresh, empty state: a scratch database (migrated) or Redis prefix from `context.scratch`, plus producer clients. */
  setup(): Promise<void>;
  /** Enqueue `count` jobs with an empty payload, in one call / as few statements as the library allows. */
  bulkEnqueue(count: number): Promise<void>;
  /** Enqueue one job whose payload is `{ sentAtMs }`; resolves when the job is durably enqueued. */
  enqueueOne(sentAtMs: number): Promise<void>;
  /** Start one worker (in this process) running a no-op handler that calls `onJob`. Resolves once it is started. */
  startWorker(options: WorkerOptions): Promise<RunningWorker>;
  /**
   * How many of this instance's jobs the system itself records as finished (status written: a completed state or
   * row, or the row deleted where the library deletes finished jobs), read from its own store, never from handler
   * calls. The harness polls it only once the handler has run for every job, so a query per call is fine.
   */
  finishedCount(): Promise<number>;
  /** Close producer clients. Scratch databases and Redis keys are dropped by the harness afterwards. */
  teardown(): Promise<void>;
  /**
   * Extension point: workloads only this system can run (e.g. a 3-step job with memoized steps). Each runs on a
   * fresh, set-up instance of the system; its median lands in the report's "extra workloads" table.
   */
  readonly extraWorkloads?: readonly ExtraWorkload[];
}

export interface ExtraWorkload {
  /** Stable kebab-case id, e.g. `three-step`. */
  readonly id: string;
  /** Report heading with its unit, e.g. `3-step jobs/s`. */
  readonly label: string;
  /** Measure on the (already set-up) instance that declared it; return the figure. Bound every wait. */
  run(settings: WorkloadSettings): Promise<number>;
  /** What the figure is set against in the report's "extra workloads compared" table. */
  readonly compare?: ExtraComparison;
}

/** Ratios for an extra figure, oriented like the main ratios: above 1× means ours is better. */
export interface ExtraComparison {
  /** `higher` for rates (ours ÷ other), `lower` for latencies (other ÷ ours). */
  readonly better: 'higher' | 'lower';
  /** The same system's figure from the same run: `process` (its no-op rate) or another extra's id. */
  readonly own?: { readonly figure: string; readonly label: string; readonly target?: string };
  /** Each peer's figure from the same run that this one is set against. */
  readonly peer?: { readonly figure: 'process' | 'latencyP99'; readonly label: string };
}

/** The sizes every workload uses in one bench run. */
export interface WorkloadSettings {
  /** N: jobs for the bulk, single and process workloads. */
  readonly jobs: number;
  /** M: jobs timed by the latency workload. */
  readonly latencyJobs: number;
  /** Pace of the latency workload's sends. */
  readonly latencyRatePerSec: number;
  /** Concurrency of the one worker each workload starts. */
  readonly concurrency: number;
}

export interface SystemContext {
  readonly config: BenchConfig;
  /** Scratch databases and Redis prefixes for this instance; the harness drops them after teardown(). */
  readonly scratch: Scratch;
}

/** One entry of the registry in bench/systems/index.ts. */
export interface SystemFactory {
  /** Stable kebab-case id; `--only` and `--ours` match it (or the name) by substring. */
  readonly id: string;
  /** Display name with the version, e.g. `graphile-worker 0.16.6`. */
  readonly name: string;
  /** `ours` systems get a ratios table against every `peer`. */
  readonly kind: 'peer' | 'ours';
  /** Construct only; no I/O before setup(). */
  create(context: SystemContext): BenchSystem;
}
