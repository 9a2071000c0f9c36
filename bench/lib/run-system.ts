// Runs every workload for one system, K times, each on a fresh instance, and reduces the runs to medians.
// A failing workload is recorded and the rest still run, so one stuck library costs one cell, not the report.
import type { BenchConfig } from './config';
import { describeError, formatLatency, formatRate } from './format';
import { CLEANUP_TIMEOUT_MS, SETUP_TIMEOUT_MS, TEARDOWN_TIMEOUT_MS, extraWorkloadTimeoutMs } from './limits';
import { Scratch } from './scratch';
import { median } from './stats';
import type { BenchSystem, ExtraComparison, SystemFactory, WorkloadSettings } from './system';
import { withTimeout } from './timing';
import { measureBulkEnqueue, measureLatency, measureProcess, measureSingleEnqueue, type LatencyFigures } from './workloads';

/** One run's figures; null where the workload failed. */
export interface Figures {
  processPerSec: number | null;
  bulkPerSec: number | null;
  singlePerSec: number | null;
  latencyMs: LatencyFigures | null;
  /** Extra workloads by id. */
  extra: Record<string, number | null>;
}

export interface SystemResult {
  readonly id: string;
  readonly name: string;
  readonly kind: SystemFactory['kind'];
  /** Extra workload labels by id, in declaration order. */
  readonly extraLabels: Record<string, string>;
  /** Extra workloads' comparisons by id, where declared. */
  readonly extraComparisons: Record<string, ExtraComparison>;
  readonly runs: Figures[];
  /** Per figure, the median of the runs where it succeeded. */
  readonly median: Figures;
  readonly errors: string[];
}

export interface RunSystemOptions {
  readonly config: BenchConfig;
  readonly settings: WorkloadSettings;
  readonly runs: number;
  readonly log: (line: string) => void;
}

export async function runSystem(factory: SystemFactory, options: RunSystemOptions): Promise<SystemResult> {
  const { config, settings, log } = options;
  const extras = factory.create({ config, scratch: new Scratch(config, factory.id) }).extraWorkloads ?? [];
  const errors: string[] = [];
  const runs: Figures[] = [];

  for (let run = 1; run <= options.runs; run += 1) {
    const prefix = `${factory.name} · run ${run}/${options.runs}`;
    const measure = async <T>(label: string, body: (system: BenchSystem) => Promise<T>, show: (value: T) => string): Promise<T | null> => {
      try {
        const value = await onFreshInstance(factory, config, body, log);
        log(`${prefix} · ${label}: ${show(value)}`);
        return value;
      } catch (error) {
        const message = `run ${run}, ${label}: ${describeError(error)}`;
        errors.push(message);
        log(`${prefix} · FAILED ${label}: ${describeError(error)}`);
        return null;
      }
    };

    const figures: Figures = {
      bulkPerSec: await measure('bulk enqueue jobs/s', (s) => measureBulkEnqueue(s, settings), formatRate),
      singlePerSec: await measure('single enqueue jobs/s', (s) => measureSingleEnqueue(s, settings), formatRate),
      processPerSec: await measure('process jobs/s', (s) => measureProcess(s, settings), formatRate),
      latencyMs: await measure('latency p50/p95/p99 ms', (s) => measureLatency(s, settings), formatLatency),
      extra: {},
    };
    for (const extra of extras) {
      figures.extra[extra.id] = await measure(extra.label, (system) => runExtra(system, extra.id, settings), formatRate);
    }
    runs.push(figures);
  }

  return {
    id: factory.id,
    name: factory.name,
    kind: factory.kind,
    extraLabels: Object.fromEntries(extras.map((extra) => [extra.id, extra.label])),
    extraComparisons: Object.fromEntries(extras.flatMap((extra) => (extra.compare ? [[extra.id, extra.compare]] : []))),
    runs,
    median: medianFigures(runs, extras.map((extra) => extra.id)),
    errors,
  };
}

/**
 * create → setup → body → teardown → drop scratch state. teardown() runs even when setup() failed (it closes
 * whatever was opened) and scratch state is dropped even when teardown() failed or hung. The first error wins;
 * later ones are logged.
 */
async function onFreshInstance<T>(
  factory: SystemFactory,
  config: BenchConfig,
  body: (system: BenchSystem) => Promise<T>,
  log: (line: string) => void,
): Promise<T> {
  const scratch = new Scratch(config, factory.id);
  const system = factory.create({ config, scratch });
  let failure: { error: unknown } | undefined;
  const attempt = async (step: () => Promise<unknown>): Promise<void> => {
    try {
      await step();
    } catch (error) {
      if (failure) log(`${factory.name} · also failed while cleaning up: ${describeError(error)}`);
      else failure = { error };
    }
  };

  let result: T | undefined;
  await attempt(async () => {
    await withTimeout(system.setup(), SETUP_TIMEOUT_MS, 'setup');
    result = await body(system);
  });
  await attempt(() => withTimeout(system.teardown(), TEARDOWN_TIMEOUT_MS, 'teardown'));
  await attempt(() => withTimeout(scratch.cleanup(), CLEANUP_TIMEOUT_MS, 'dropping scratch databases and keys'));
  if (failure) throw failure.error;
  return result as T;
}

async function runExtra(system: BenchSystem, id: string, settings: WorkloadSettings): Promise<number> {
  const extra = system.extraWorkloads?.find((candidate) => candidate.id === id);
  if (!extra) throw new Error(`extra workload ${id} is declared by one instance but not another`);
  return withTimeout(extra.run(settings), extraWorkloadTimeoutMs(settings.jobs), extra.label);
}

function medianFigures(runs: readonly Figures[], extraIds: readonly string[]): Figures {
  const of = (pick: (figures: Figures) => number | null | undefined): number | null => {
    const values = runs.map(pick).filter((value): value is number => value != null);
    return values.length ? median(values) : null;
  };
  const latencyRuns = runs.filter((figures) => figures.latencyMs);
  return {
    processPerSec: of((figures) => figures.processPerSec),
    bulkPerSec: of((figures) => figures.bulkPerSec),
    singlePerSec: of((figures) => figures.singlePerSec),
    // Each percentile is the median of that percentile across runs (not the percentile of pooled samples).
    latencyMs: latencyRuns.length
      ? {
          p50: median(latencyRuns.map((figures) => figures.latencyMs?.p50 ?? Number.NaN)),
          p95: median(latencyRuns.map((figures) => figures.latencyMs?.p95 ?? Number.NaN)),
          p99: median(latencyRuns.map((figures) => figures.latencyMs?.p99 ?? Number.NaN)),
        }
      : null,
    extra: Object.fromEntries(extraIds.map((id) => [id, of((figures) => figures.extra[id])])),
  };
}
