// `npm run bench`: runs the selected systems one after another (never in parallel: on 2 cores they would measure
// each other), prints the report to stdout (progress goes to stderr) and writes bench/results/<time>.md and .json.
// Exit code: 0 all measured, 1 some workload failed, 2 bad flags, 130 interrupted.
import { readBenchConfig, redactUrl } from './lib/config';
import { describeEnvironment } from './lib/environment';
import { describeError } from './lib/format';
import { matches, parseBenchArgs, USAGE, type BenchOptions } from './lib/options';
import { runPgbench } from './lib/pgbench';
import { compare, renderMarkdown, type BenchReport } from './lib/report';
import { runSystem, type SystemResult } from './lib/run-system';
import { Scratch } from './lib/scratch';
import { withTimeout } from './lib/timing';
import { writeResults } from './lib/write-results';
import { systems } from './systems';

const log = (line: string): void => console.error(line);
/** Set by Ctrl-C: the workloads left fail fast (no new scratch state), and no report is written from them. */
let interrupted = false;

async function main(argv: readonly string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    log(`${describeError(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const selected = systems.filter((system) => !options.only.length || options.only.some((only) => matches(system.id, only) || matches(system.name, only)));
  if (selected.length === 0) {
    log(`No system matches --only ${options.only.join(', ')}. Known: ${systems.map((system) => system.id).join(', ')}`);
    return 2;
  }

  const config = readBenchConfig();
  const startedAt = new Date().toISOString();
  const environment = await describeEnvironment(config);
  log(`bench: ${selected.length} system(s), N=${options.settings.jobs}, M=${options.settings.latencyJobs}, ${options.runs} run(s)`);
  log(`bench: admin database ${redactUrl(config.databaseUrl)}, Redis ${redactUrl(config.redisUrl)}`);
  log(`bench: ${environment.postgres} · ${environment.redis}`);

  const pgbench = options.pgbenchSeconds === null ? null : await runPgbench(config, options.pgbenchSeconds);
  log(pgbench === null ? 'pgbench: skipped' : pgbench.ok ? `pgbench: ${pgbench.tps.toFixed(0)} tps (${pgbench.command})` : `pgbench: ${pgbench.reason}`);

  const results: SystemResult[] = [];
  for (const factory of selected) results.push(await runSystem(factory, { config, settings: options.settings, runs: options.runs, log }));

  if (interrupted) {
    log('bench: interrupted; no report written');
    return 130;
  }
  const { help: _help, ...reported } = options;
  const report: BenchReport = {
    startedAt,
    finishedAt: new Date().toISOString(),
    options: reported,
    environment,
    pgbench,
    systems: results,
    comparisons: compare(results, options.ours),
  };
  process.stdout.write(`\n${renderMarkdown(report)}`);
  log(`bench: wrote ${(await writeResults(report)).join(' and ')}`);
  return results.some((result) => result.errors.length) ? 1 : 0;
}

// Ctrl-C mid-run: drop the scratch databases and Redis keys in use before leaving.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    log(`bench: ${signal}, dropping scratch databases and keys`);
    void withTimeout(Scratch.cleanupAll(), 15_000, 'dropping scratch state').finally(() => process.exit(130));
  });
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  log(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
}
// Every worker and client is closed by now; if a library still holds a handle open, do not hang CI on it.
setTimeout(() => {
  log('bench: handles still open after the run (a library did not close everything); exiting anyway');
  process.exit();
}, 5_000).unref();
