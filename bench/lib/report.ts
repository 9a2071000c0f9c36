// The report: one markdown table of medians in the shape of shared/BENCHMARKS.md, the pgbench reference line,
// and a ratios table of each "ours" system against every peer. The same data goes to JSON with the per-run figures.
import type { Environment } from './environment';
import { formatLatency, formatRate, formatRatio } from './format';
import { matches, type BenchOptions } from './options';
import type { PgbenchResult } from './pgbench';
import type { SystemResult } from './run-system';

export interface BenchReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly options: Omit<BenchOptions, 'help'>;
  readonly environment: Environment;
  readonly pgbench: PgbenchResult | null;
  readonly systems: readonly SystemResult[];
  readonly comparisons: readonly Comparison[];
}

/** Ratios of one of ours to one peer, oriented so that above 1 always means ours is better. */
export interface Comparison {
  readonly ours: string;
  readonly peer: string;
  /** ours ÷ peer */
  readonly processPerSec: number | null;
  readonly bulkPerSec: number | null;
  readonly singlePerSec: number | null;
  /** peer ÷ ours */
  readonly latencyP50: number | null;
  readonly latencyP95: number | null;
  readonly latencyP99: number | null;
}

/** "Ours" are the systems matching `--ours`, else those registered as kind `ours`; peers are all the others. */
export function compare(systems: readonly SystemResult[], oursFlag: string | undefined): Comparison[] {
  const isOurs = (system: SystemResult) => (oursFlag === undefined ? system.kind === 'ours' : matches(system.id, oursFlag) || matches(system.name, oursFlag));
  const ours = systems.filter(isOurs);
  const peers = systems.filter((system) => !isOurs(system));
  return ours.flatMap((mine) =>
    peers.map((peer) => ({
      ours: mine.name,
      peer: peer.name,
      processPerSec: ratio(mine.median.processPerSec, peer.median.processPerSec),
      bulkPerSec: ratio(mine.median.bulkPerSec, peer.median.bulkPerSec),
      singlePerSec: ratio(mine.median.singlePerSec, peer.median.singlePerSec),
      latencyP50: ratio(peer.median.latencyMs?.p50, mine.median.latencyMs?.p50),
      latencyP95: ratio(peer.median.latencyMs?.p95, mine.median.latencyMs?.p95),
      latencyP99: ratio(peer.median.latencyMs?.p99, mine.median.latencyMs?.p99),
    })),
  );
}

export function renderMarkdown(report: BenchReport): string {
  const { options, environment: env } = report;
  const { settings } = options;
  const lines = [
    `# Job system benchmark, ${report.startedAt}`,
    '',
    `N = ${formatRate(settings.jobs)} no-op jobs, one worker at concurrency ${settings.concurrency}, process timed until the system reports all N finished (status written); latency: M = ${formatRate(settings.latencyJobs)} jobs sent one at a time at ~${settings.latencyRatePerSec}/s to a waiting worker, timed from just before enqueue to handler start. Median of ${options.runs} run${options.runs === 1 ? '' : 's'}; every workload on fresh state.${options.quick ? ' **Quick run (--quick): indicative only.**' : ''}`,
    '',
    `Node ${env.node} · ${env.cpus} × ${env.cpuModel} · ${env.postgres} · ${env.redis} · load average ${env.loadBefore.toFixed(2)} before the run`,
    '',
    '| system | process jobs/s | bulk enqueue jobs/s | single enqueue jobs/s | latency p50 / p95 / p99 ms |',
    '|---|---|---|---|---|',
    ...report.systems.map(
      (system) =>
        `| ${system.name} | ${formatRate(system.median.processPerSec)} | ${formatRate(system.median.bulkPerSec)} | ${formatRate(system.median.singlePerSec)} | ${formatLatency(system.median.latencyMs)} |`,
    ),
    ...pgbenchRow(report.pgbench),
    ...pgbenchNote(report.pgbench),
    ...comparisonSections(report),
    ...extraSection(report.systems),
    ...extraComparisonSection(report),
    ...failureSection(report.systems),
  ];
  return `${lines.join('\n')}\n`;
}

function pgbenchRow(pgbench: PgbenchResult | null): string[] {
  if (!pgbench?.ok) return [];
  const flags = pgbench.command.replace(/^pgbench /, '');
  return [`| pgbench \`${flags}\` (the server's own write rate) | ${formatRate(pgbench.tps)} tps | | | |`];
}

function pgbenchNote(pgbench: PgbenchResult | null): string[] {
  if (pgbench === null) return ['', 'pgbench: skipped (--skip-pgbench).'];
  if (!pgbench.ok) return ['', `pgbench: not measured: ${pgbench.reason}`];
  return [];
}

function comparisonSections(report: BenchReport): string[] {
  if (report.comparisons.length === 0) {
    return ['', '_No pair of an "ours" system and a peer in this run, so no ratios; `--ours <substring>` compares any system with the rest._'];
  }
  const ours = [...new Set(report.comparisons.map((comparison) => comparison.ours))];
  return ours.flatMap((name) => [
    '',
    `## ${name} against each peer`,
    '',
    'Throughput columns are ours ÷ peer; latency columns are peer ÷ ours. Above 1× means ours is better in both.',
    '',
    '| peer | process (ours ÷ peer) | bulk enqueue (ours ÷ peer) | single enqueue (ours ÷ peer) | latency p50 / p95 / p99 (peer ÷ ours) |',
    '|---|---|---|---|---|',
    ...report.comparisons.filter((row) => row.ours === name).map(
      (row) =>
        `| ${row.peer} | ${formatRatio(row.processPerSec)} | ${formatRatio(row.bulkPerSec)} | ${formatRatio(row.singlePerSec)} | ${formatRatio(row.latencyP50)} / ${formatRatio(row.latencyP95)} / ${formatRatio(row.latencyP99)} |`,
    ),
  ]);
}

function extraSection(systems: readonly SystemResult[]): string[] {
  const rows = systems.flatMap((system) =>
    Object.entries(system.extraLabels).map(([id, label]) => `| ${system.name} | ${label} | ${formatRate(system.median.extra[id])} |`),
  );
  if (rows.length === 0) return [];
  return ['', '## Extra workloads', '', '| system | workload | median |', '|---|---|---|', ...rows];
}

/**
 * Extra figures set against the same system's own figures (e.g. 3-step ÷ its no-op rate, the issue's ≥ 50% target)
 * and against each peer's nearest standard figure from the same run (peers have no steps or limits of their own).
 */
function extraComparisonSection(report: BenchReport): string[] {
  const isOurs = new Set(report.comparisons.map((comparison) => comparison.ours));
  const ours = report.systems.filter((system) => (isOurs.size ? isOurs.has(system.name) : system.kind === 'ours'));
  const peers = report.systems.filter((system) => !ours.includes(system));
  const rows = ours.flatMap((system) =>
    Object.entries(system.extraComparisons).map(([id, compare]) => {
      const mine = system.median.extra[id];
      const oriented = (other: number | null | undefined) => (compare.better === 'higher' ? ratio(mine, other) : ratio(other, mine));
      const ownFigure = compare.own && (compare.own.figure === 'process' ? system.median.processPerSec : system.median.extra[compare.own.figure]);
      const own = compare.own ? `${formatRatio(oriented(ownFigure))} of ${compare.own.label}${compare.own.target ? ` (target ${compare.own.target})` : ''}` : '';
      const peerFigure = (peer: SystemResult) =>
        compare.peer?.figure === 'process' ? peer.median.processPerSec : compare.peer?.figure === 'latencyP99' ? peer.median.latencyMs?.p99 : undefined;
      const peerCells = peers.map((peer) => (compare.peer ? formatRatio(oriented(peerFigure(peer))) : ''));
      const against = compare.peer ? ` (against the peer's ${compare.peer.label})` : '';
      return `| ${system.name} | ${system.extraLabels[id]}${against} | ${formatRate(mine)} | ${own} |${peerCells.map((cell) => ` ${cell} |`).join('')}`;
    }),
  );
  if (rows.length === 0) return [];
  return [
    '',
    '## Extra workloads compared',
    '',
    'Rates: ours ÷ other; latencies: other ÷ ours. Above 1× means ours is better.',
    '',
    `| system | workload | median | against its own figure |${peers.map((peer) => ` ${peer.name} |`).join('')}`,
    `|---|---|---|---|${peers.map(() => '---|').join('')}`,
    ...rows,
  ];
}

function failureSection(systems: readonly SystemResult[]): string[] {
  const rows = systems.flatMap((system) => system.errors.map((error) => `- ${system.name}: ${error}`));
  if (rows.length === 0) return [];
  return ['', '## Failures', '', 'A failed workload shows as — (or as the median of the runs that succeeded).', '', ...rows];
}

function ratio(numerator: number | null | undefined, denominator: number | null | undefined): number | null {
  if (numerator == null || denominator == null || denominator === 0) return null;
  return numerator / denominator;
}
