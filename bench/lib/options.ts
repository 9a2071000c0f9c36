// Command-line flags of `npm run bench`, parsed into one typed value.
import { parseArgs } from 'node:util';
import type { WorkloadSettings } from './system';

export interface BenchOptions {
  readonly quick: boolean;
  readonly runs: number;
  /** Substrings; a system runs when its id or name contains any of them. Empty = all. */
  readonly only: readonly string[];
  /** Substring naming the system(s) to compare against the rest; default: the registry's `ours` systems. */
  readonly ours: string | undefined;
  readonly settings: WorkloadSettings;
  /** pgbench's -T; null = skip the reference line. */
  readonly pgbenchSeconds: number | null;
  readonly help: boolean;
}

export const USAGE = `Usage: npm run bench -- [flags]   (or: npx tsx bench/run.ts [flags])

  --quick               CI size: N=1,000 jobs, M=200 latency jobs, 1 run, pgbench -T 3
  --runs <K>            runs per system; each figure is the median across runs (default 3, 1 with --quick)
  --only <substring>    only systems whose id or name contains it (case-insensitive; repeatable)
  --ours <substring>    system(s) to compare with every other one in the ratios table
                        (default: the registry's "ours" systems)
  --jobs <N>            jobs for the bulk, single and process workloads (default 10,000)
  --latency-jobs <M>    timed jobs for the latency workload (default 1,000)
  --skip-pgbench        leave out the pgbench reference line
  -h, --help            this text

Environment: BENCH_DATABASE_URL (admin connection, default postgres://postgres@127.0.0.1:5432/test),
             BENCH_REDIS_URL (default redis://127.0.0.1:6379).`;

const FULL = { jobs: 10_000, latencyJobs: 1_000, runs: 3, pgbenchSeconds: 10 };
const QUICK = { jobs: 1_000, latencyJobs: 200, runs: 1, pgbenchSeconds: 3 };
/** BENCHMARKS.md's setup: one worker at concurrency 10, latency jobs sent at ~200/s. */
const CONCURRENCY = 10;
const LATENCY_RATE_PER_SEC = 200;

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      only: { type: 'string', multiple: true, default: [] },
      ours: { type: 'string' },
      jobs: { type: 'string' },
      'latency-jobs': { type: 'string' },
      'skip-pgbench': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const size = values.quick ? QUICK : FULL;
  return {
    quick: values.quick,
    runs: positiveInteger('--runs', values.runs) ?? size.runs,
    only: values.only.map((value) => value.toLowerCase()),
    ours: values.ours?.toLowerCase(),
    settings: {
      jobs: positiveInteger('--jobs', values.jobs) ?? size.jobs,
      latencyJobs: positiveInteger('--latency-jobs', values['latency-jobs']) ?? size.latencyJobs,
      latencyRatePerSec: LATENCY_RATE_PER_SEC,
      concurrency: CONCURRENCY,
    },
    pgbenchSeconds: values['skip-pgbench'] ? null : size.pgbenchSeconds,
    help: values.help,
  };
}

function positiveInteger(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw.replace(/[_,]/g, ''));
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} wants a positive integer, got "${raw}"`);
  return value;
}

/** Whether `text` (an id or name) matches a lower-cased substring flag. */
export function matches(text: string, substring: string): boolean {
  return text.toLowerCase().includes(substring);
}
