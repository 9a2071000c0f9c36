// How `npm run jobs` prints: --json writes one JSON document to stdout (scripts parse it); otherwise short,
// aligned text for people. Progress bars go to stderr, and only on a terminal, so stdout stays parseable.
import { SingleBar } from 'cli-progress';
import type { JobDetail, JobSummary } from '../jobs/providers/inspection';

export interface Output {
  json: boolean;
  /** The command's result: JSON as is, or `text()` for people. */
  result(value: unknown, text: () => string): void;
  /** A progress bar counting up to `total` (an upper bound), or nothing with --json or off a terminal. */
  progress(label: string, total: number): { update(done: number): void; stop(): void };
}

export function createOutput(json: boolean, write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Output {
  return {
    json,
    result(value, text) {
      write(json ? JSON.stringify(value, null, 2) : text());
    },
    progress(label, total) {
      if (json || !process.stderr.isTTY) return { update() {}, stop() {} };
      const bar = new SingleBar({ format: `${label} {bar} {value}/{total}`, stream: process.stderr, hideCursor: true });
      bar.start(Math.max(total, 1), 0);
      return {
        update: (done) => {
          if (done > bar.getTotal()) bar.setTotal(done);
          bar.update(done);
        },
        stop: () => bar.stop(),
      };
    },
  };
}

const time = (date: Date | null) => (date ? date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-');
const firstLine = (text: string | null) => (text ? (text.split('\n')[0] ?? '').slice(0, 80) : '');

export function jobTable(jobs: JobSummary[]): string {
  if (jobs.length === 0) return 'No jobs.';
  const rows = jobs.map((job) => [
    job.id,
    job.definition,
    job.status,
    `${job.attempts}/${job.maxAttempts}`,
    time(job.createdAt),
    job.durationMs === null ? '-' : `${job.durationMs} ms`,
    firstLine(job.lastError),
  ]);
  const header = ['ID', 'JOB', 'STATUS', 'ATTEMPTS', 'CREATED', 'DURATION', 'LAST ERROR'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  return [header, ...rows].map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}

export function jobText(job: JobDetail): string {
  const lines = [
    `Job ${job.id}  ${job.definition}  ${job.status}`,
    `  event        ${job.eventName} (${job.eventId ?? '-'})`,
    `  attempts     ${job.attempts}/${job.maxAttempts}`,
    `  created      ${time(job.createdAt)}`,
    `  run at       ${time(job.runAt)}`,
    `  started      ${time(job.startedAt)}`,
    `  finished     ${time(job.finishedAt)}${job.durationMs === null ? '' : ` (${job.durationMs} ms)`}`,
    `  payload      ${JSON.stringify(job.payload)}`,
    `  result       ${JSON.stringify(job.result)}`,
  ];
  if (job.cancelReason) lines.push(`  cancelled    ${job.cancelReason}`);
  if (job.lastError) lines.push(`  last error   ${job.lastError.split('\n').join('\n               ')}`);
  lines.push(`  steps (${job.steps.length})`);
  for (const step of job.steps) {
    lines.push(`    ${step.id}  ${step.status}  ×${step.attempts}  ${step.durationMs === null ? '' : `${step.durationMs} ms`}${step.error ? `  ${firstLine(step.error)}` : ''}`);
  }
  lines.push(`  attempts (${job.attemptHistory.length})`);
  for (const entry of job.attemptHistory) {
    lines.push(`    #${entry.attempt}  ${entry.outcome}  ${entry.durationMs} ms  ${entry.startedAt}${entry.error ? `  ${firstLine(entry.error)}` : ''}`);
  }
  return lines.join('\n');
}
