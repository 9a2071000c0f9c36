// The audit cleanup over 1,000,000 rows past retention: how long its longest single DELETE holds locks, how long
// the whole cleanup takes, and what it does to the app's own writes, measured as single-row INSERTs into
// audit_logs from concurrent connections, during the cleanup and, for reference, without it.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { DatabaseHandle } from '../../src/db/client';
import { deleteOldLogs } from '../../src/domain/cleanup/delete-old-logs';
import { daysBefore, LOG_RETENTION_DAYS } from '../../src/domain/cleanup/retention';
import { percentile } from '../lib/stats';
import { recordStatements } from './statement-recorder';

export interface LatencySummary {
  inserts: number;
  p50: number;
  p99: number;
  max: number;
}

export interface CleanupResult {
  oldRows: number;
  deleted: number;
  deleteStatements: number;
  longestDeleteMs: number;
  medianDeleteMs: number;
  totalMs: number;
  withoutCleanup: LatencySummary;
  duringCleanup: LatencySummary;
}

const WRITERS = 4;

async function seed(handle: DatabaseHandle, oldRows: number, recentRows: number): Promise<void> {
  // Spread over the 10 days past the cutoff, like a real backlog, plus rows still inside retention.
  await handle.sql.query(
    `insert into audit_logs (document_id, type, data, created_at)
     select gen_random_uuid(), 'RECIPIENT_SIGNED', jsonb_build_object('recipientId', gen_random_uuid(), 'email', 'r' || n || '@bench.example'),
            now() - interval '91 days' - (n % 14400) * interval '1 minute'
       from generate_series(1, $1::int) n`,
    [oldRows],
  );
  await handle.sql.query(
    `insert into audit_logs (type, created_at) select 'DOCUMENT_SENT', now() - (n % 1440) * interval '1 minute' from generate_series(1, $1::int) n`,
    [recentRows],
  );
  await handle.sql.query('vacuum analyze audit_logs');
}

/** Single-row INSERTs from WRITERS connections until `until` settles; returns each one's latency. */
async function insertLoad(url: string, until: Promise<unknown>): Promise<number[]> {
  const pool = new pg.Pool({ connectionString: url, max: WRITERS });
  const latencies: number[] = [];
  let done = false;
  void until.finally(() => (done = true));
  const writer = async () => {
    while (!done) {
      const started = performance.now();
      await pool.query(`insert into audit_logs (type, data) values ('DOCUMENT_CREATED', '{"bench":true}')`);
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
  await pool.end();
  return latencies;
}

function summarize(latencies: number[]): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { inserts: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
}

export async function measureAuditCleanup(handle: DatabaseHandle, url: string, oldRows: number, baselineMs: number): Promise<CleanupResult> {
  await seed(handle, oldRows, 50_000);
  const withoutCleanup = summarize(await insertLoad(url, new Promise((resolve) => setTimeout(resolve, baselineMs))));

  const recorder = recordStatements((text) => /\bdelete from audit_logs\b/i.test(text));
  const started = performance.now();
  const cleanup = deleteOldLogs(handle.db, { table: 'audit_logs', before: daysBefore(new Date(), LOG_RETENTION_DAYS) });
  const [deleted, during] = await Promise.all([cleanup, insertLoad(url, cleanup)]);
  const totalMs = performance.now() - started;
  recorder.stop();

  const [left] = await handle.sql.query<{ old: string }>(`select count(*) as old from audit_logs where created_at < now() - interval '90 days'`);
  if (Number(left?.old) !== 0) throw new Error(`${left?.old} old rows left after the cleanup`);
  const times = recorder.statements.map((statement) => statement.ms).sort((a, b) => a - b);
  return {
    oldRows,
    deleted,
    deleteStatements: times.length,
    longestDeleteMs: times.at(-1) ?? Number.NaN,
    medianDeleteMs: percentile(times, 50),
    totalMs,
    withoutCleanup,
    duringCleanup: summarize(during),
  };
}
