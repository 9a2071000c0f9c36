// The commands of `npm run jobs`, over the JobInspector contract (the same one the dashboard uses). Admin actions
// (retry, retry-failed, replay, cancel, prune) go through src/domain/jobs/audited-job-actions.ts, which writes the
// audit_logs row naming the actor, "cli:<os user>".
import { Command, Option } from 'commander';
import type { Database } from '../db/client';
import { cancelJob, pruneJobs, replayJob, retryFailedJobs, retryJob, type JobActionContext } from '../domain/jobs/audited-job-actions';
import type { JobInspector } from '../jobs/providers/inspection';
import { CliError, EXIT } from './cli-error';
import { parseDurationMs, parseJobId, parseLimit, parseStatus } from './cli-options';
import { createOutput, jobTable, jobText, type Output } from './jobs-output';

export interface JobsCliContext {
  /** Opens the database when a command first needs it (`--help` and usage errors need none). */
  connect(): Promise<{ inspector: JobInspector; db: Database }>;
  /** "cli:<os user>", as audit rows and cancel reasons name it. */
  actor: string;
  now?: () => Date;
}

const notFound = (id: string) => new CliError(`No job ${id}`, EXIT.notFound, 'not-found');

export function buildJobsProgram(context: JobsCliContext): Command {
  const { actor } = context;
  const now = context.now ?? (() => new Date());
  let session: ReturnType<JobsCliContext['connect']> | undefined;
  const connect = () => (session ??= context.connect());
  const acting = async (): Promise<JobActionContext> => ({ ...(await connect()), actor: { name: actor } });
  const json = new Option('--json', 'print one JSON document on stdout');
  const output = (options: { json?: boolean }): Output => createOutput(options.json === true);

  const program = new Command('npm run jobs --')
    .description('Inspect and operate the local provider’s job queue (background_jobs) in the configured database.')
    .usage('<command> [options]')
    .addHelpText(
      'after',
      `
Examples:
  npm run jobs -- list --status FAILED --job send-signing-email
  npm run jobs -- show 42 --json
  npm run jobs -- retry-failed --since 24h
  npm run jobs -- prune --older-than 7d

Exit codes: 0 ok, 1 failure, 2 usage error, 3 job not found, 4 wrong state (e.g. retry of a job that is not FAILED).`,
    )
    .showHelpAfterError()
    .exitOverride();

  program
    .command('list')
    .description('jobs, newest first')
    .option('--status <status>', 'PENDING, PROCESSING, COMPLETED, FAILED or CANCELLED')
    .option('--job <definition>', 'only this job definition, e.g. send-signing-email')
    .option('--since <duration>', 'only jobs created within this, e.g. 24h')
    .option('--limit <n>', 'at most this many (1 to 500)', '20')
    .option('--cursor <id>', 'the next page: the nextCursor of the previous one')
    .addOption(json)
    .action(async (options: { status?: string; job?: string; since?: string; limit: string; cursor?: string; json?: boolean }) => {
      const filter = {
        status: options.status === undefined ? undefined : parseStatus(options.status),
        definition: options.job,
        createdSince: options.since === undefined ? undefined : new Date(now().getTime() - parseDurationMs(options.since, '--since')),
      };
      const page = { limit: parseLimit(options.limit), cursor: options.cursor === undefined ? undefined : parseJobId(options.cursor) };
      const { inspector } = await connect();
      const found = await inspector.list(filter, page);
      output(options).result(found, () => jobTable(found.jobs) + (found.nextCursor ? `\nMore: --cursor ${found.nextCursor}` : ''));
    });

  program
    .command('show <id>')
    .description('one job: payload (secrets redacted), result, steps, attempts')
    .addOption(json)
    .action(async (id: string, options: { json?: boolean }) => {
      const jobId = parseJobId(id);
      const { inspector } = await connect();
      const job = await inspector.get(jobId);
      if (!job) throw notFound(id);
      output(options).result(job, () => jobText(job));
    });

  program
    .command('retry <id>')
    .description('a FAILED job back to PENDING with fresh attempts; its completed steps stay done')
    .addOption(json)
    .action(async (id: string, options: { json?: boolean }) => {
      const jobId = parseJobId(id);
      const result = await retryJob(await acting(), jobId);
      if (result === 'not-found') throw notFound(id);
      if (result === 'not-failed') throw new CliError(`Job ${id} is not FAILED; only failed jobs can be retried`, EXIT.wrongState, 'not-failed');
      output(options).result({ id, result }, () => `Job ${id} is PENDING again.`);
    });

  program
    .command('retry-failed')
    .description('retry every FAILED job (of one definition, created within --since), in batches of 500')
    .option('--job <definition>', 'only this job definition')
    .option('--since <duration>', 'only jobs created within this, e.g. 24h')
    .addOption(json)
    .action(async (options: { job?: string; since?: string; json?: boolean }) => {
      const createdSince = options.since === undefined ? undefined : new Date(now().getTime() - parseDurationMs(options.since, '--since'));
      const out = output(options);
      const context = await acting();
      const bar = out.progress('retrying', (await context.inspector.counts()).FAILED);
      const { retried } = await retryFailedJobs(context, { definition: options.job, createdSince }, (done) => bar.update(done)).finally(() => bar.stop());
      out.result({ retried }, () => `Retried ${retried} failed job${retried === 1 ? '' : 's'}.`);
    });

  program
    .command('replay <id>')
    .description('run a COMPLETED job again: a new job of the same definition with the same payload')
    .addOption(json)
    .action(async (id: string, options: { json?: boolean }) => {
      const jobId = parseJobId(id);
      const result = await replayJob(await acting(), jobId);
      if (!result.replayed && result.reason === 'not-found') throw notFound(id);
      if (!result.replayed) throw new CliError(`Job ${id} is not COMPLETED; only completed jobs can be replayed`, EXIT.wrongState, 'not-completed');
      output(options).result({ id, jobId: result.jobId }, () => `Job ${id} replayed as job ${result.jobId}.`);
    });

  program
    .command('cancel <id>')
    .description('a PENDING (or sleeping) job becomes CANCELLED; no worker runs it')
    .option('--reason <text>', 'why, stored with the job')
    .addOption(json)
    .action(async (id: string, options: { reason?: string; json?: boolean }) => {
      const jobId = parseJobId(id);
      const { result, reason } = await cancelJob(await acting(), jobId, options.reason);
      if (result === 'not-found') throw notFound(id);
      if (result === 'not-cancellable') throw new CliError(`Job ${id} cannot be cancelled: only a PENDING job can, and on BullMQ not a slot its cron schedule queued`, EXIT.wrongState, 'not-cancellable');
      output(options).result({ id, result, reason }, () => `Job ${id} cancelled (${reason}).`);
    });

  program
    .command('stats')
    .description('jobs per status, queue health, and per-definition metrics over a window')
    .option('--window <duration>', 'the metrics window', '24h')
    .option('--buckets <n>', 'points of the series', '24')
    .addOption(json)
    .action(async (options: { window: string; buckets: string; json?: boolean }) => {
      const windowMs = parseDurationMs(options.window, '--window');
      const buckets = parseLimit(options.buckets);
      const { inspector } = await connect();
      const [counts, health, metrics] = await Promise.all([
        inspector.counts(),
        inspector.queueHealth(),
        inspector.metrics({ windowMs, buckets }),
      ]);
      output(options).result({ counts, queueHealth: health, metrics }, () => statsText(counts, health, metrics, options.window));
    });

  program
    .command('prune')
    .description('delete finished jobs (COMPLETED, FAILED, CANCELLED) and their steps')
    .requiredOption('--older-than <duration>', 'finished longer ago than this, e.g. 7d')
    .addOption(json)
    .action(async (options: { olderThan: string; json?: boolean }) => {
      const before = new Date(now().getTime() - parseDurationMs(options.olderThan, '--older-than'));
      const out = output(options);
      const context = await acting();
      const counts = await context.inspector.counts();
      const bar = out.progress('pruning', counts.COMPLETED + counts.FAILED + counts.CANCELLED);
      const { deleted } = await pruneJobs(context, before, (done) => bar.update(done)).finally(() => bar.stop());
      out.result({ deleted, before }, () => `Deleted ${deleted} finished job${deleted === 1 ? '' : 's'} older than ${options.olderThan}.`);
    });

  return program;
}

function statsText(
  counts: Record<string, number>,
  health: Awaited<ReturnType<JobInspector['queueHealth']>>,
  metrics: Awaited<ReturnType<JobInspector['metrics']>>,
  window: string,
): string {
  const pct = (value: number | null) => (value === null ? '-' : `${(value * 100).toFixed(1)}%`);
  const ms = (value: number | null) => (value === null ? '-' : `${Math.round(value)} ms`);
  const lines = [
    Object.entries(counts)
      .map(([status, n]) => `${status} ${n}`)
      .join('  '),
    `due now ${health.depth}, oldest waiting ${ms(health.oldestPendingAgeMs)}, stuck ${health.stuck}`,
    `last ${window}:`,
  ];
  for (const entry of [metrics.overall, ...metrics.perDefinition]) {
    lines.push(
      `  ${entry.definition.padEnd(28)} ok ${entry.completed}  failed ${entry.failed}  success ${pct(entry.successRate)}  retried ${pct(entry.retryRate)}  avg ${ms(entry.avgDurationMs)}  p95 ${ms(entry.p95DurationMs)}  ${entry.throughputPerMinute.toFixed(2)}/min`,
    );
  }
  return lines.join('\n');
}
