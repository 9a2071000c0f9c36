// `npx tsx bench/domain.ts [--recipients 1000] [--rows 1000000]`: the two domain figures the document workflows
// promise. (1) The expiry sweep handles 1,000 expired recipients in one run with a fixed number of SQL statements
// (measured at 100 and at 1,000: the count must not grow). (2) The audit cleanup deletes 1,000,000 old rows in
// batches, no single statement over a second, while the app's inserts into the same table carry on.
// Prints a markdown report and writes it to bench/results/domain-<date>.md.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { readBenchConfig, redactUrl } from './lib/config';
import { measureAuditCleanup, type CleanupResult } from './domain/audit-cleanup';
import { measureExpirySweep, type SweepResult } from './domain/expiry-sweep';
import { withScratchDatabase } from './domain/scratch-database';

const { values } = parseArgs({ options: { recipients: { type: 'string', default: '1000' }, rows: { type: 'string', default: '1000000' } } });
const recipients = Number(values.recipients);
const rows = Number(values.rows);
const config = readBenchConfig();

const fmt = (ms: number) => `${ms < 10 ? ms.toFixed(2) : Math.round(ms).toLocaleString('en-US')} ms`;
const count = (n: number) => n.toLocaleString('en-US');

async function postgresVersion(): Promise<string> {
  const client = new pg.Client({ connectionString: config.databaseUrl });
  await client.connect();
  try {
    return (await client.query<{ server_version: string }>('show server_version')).rows[0]!.server_version;
  } finally {
    await client.end();
  }
}

function report(environment: string, small: SweepResult, sweep: SweepResult, cleanup: CleanupResult): string {
  return [
    `# Domain benchmarks (${new Date().toISOString()})`,
    '',
    environment,
    '',
    '## Expiry sweep (expire-recipients-sweep, one run)',
    '',
    '| expired recipients | SQL statements in the run | run time | result |',
    '|---:|---:|---:|---|',
    ...[small, sweep].map((r) => `| ${count(r.recipients)} | ${r.statements} | ${fmt(r.ms)} | ${JSON.stringify(r.output)} |`),
    '',
    `Statements of the ${count(sweep.recipients)}-recipient run (queue and job together):`,
    '',
    ...sweep.statementTexts.map((text, index) => `${index + 1}. \`${text.replaceAll('`', "'")}\``),
    '',
    `## Audit cleanup (deleteOldLogs over ${count(cleanup.oldRows)} rows past 90 days, ${count(50_000)} recent)`,
    '',
    '| figure | value |',
    '|---|---:|',
    `| rows deleted | ${count(cleanup.deleted)} |`,
    `| DELETE statements (batches of 10,000) | ${cleanup.deleteStatements} |`,
    `| longest single DELETE | ${fmt(cleanup.longestDeleteMs)} |`,
    `| median DELETE | ${fmt(cleanup.medianDeleteMs)} |`,
    `| whole cleanup | ${fmt(cleanup.totalMs)} |`,
    '',
    `Single-row INSERTs into audit_logs from 4 concurrent connections:`,
    '',
    '| | inserts | p50 | p99 | max |',
    '|---|---:|---:|---:|---:|',
    ...(
      [
        ['without the cleanup', cleanup.withoutCleanup],
        ['during the cleanup', cleanup.duringCleanup],
      ] as const
    ).map(([label, s]) => `| ${label} | ${count(s.inserts)} | ${fmt(s.p50)} | ${fmt(s.p99)} | ${fmt(s.max)} |`),
    '',
  ].join('\n');
}

const cpus = os.cpus();
const environment = `Node ${process.version}, ${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, PostgreSQL ${await postgresVersion()} at ${redactUrl(config.databaseUrl)}, load ${os.loadavg()[0]?.toFixed(2)} before the run.`;
const small = await withScratchDatabase(config.databaseUrl, (handle) => measureExpirySweep(handle, recipients / 10));
const sweep = await withScratchDatabase(config.databaseUrl, (handle) => measureExpirySweep(handle, recipients));
const cleanup = await withScratchDatabase(config.databaseUrl, (handle, url) => measureAuditCleanup(handle, url, rows, 5_000));

const markdown = report(environment, small, sweep, cleanup);
console.log(markdown);
const file = path.resolve(import.meta.dirname, 'results', `domain-${new Date().toISOString().slice(0, 10)}.md`);
await mkdir(path.dirname(file), { recursive: true });
await writeFile(file, markdown);
console.log(`written to ${path.relative(process.cwd(), file)}`);
