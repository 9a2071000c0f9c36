// The hourly expiry sweep over N expired recipients, run the way production runs it: the cron slot enqueued by
// the local provider's scheduler, then claimed and executed (runJobById), with every SQL statement of the run
// counted: queue (claim, memos, completion) and job (expire, webhook lookup and enqueue, notification emails).
import { performance } from 'node:perf_hooks';
import type { DatabaseHandle } from '../../src/db/client';
import { createExclusive } from '../../src/db/exclusive';
import { createEmailTransport } from '../../src/email/transport';
import { parseEnv } from '../../src/env';
import type { JobDeps } from '../../src/jobs/definitions';
import { expireRecipientsSweep } from '../../src/jobs/definitions/expire-recipients-sweep';
import { triggerWebhook } from '../../src/jobs/definitions/trigger-webhook';
import { appEvents } from '../../src/jobs/events';
import { silentLogger } from '../../src/jobs/logger';
import { LocalProvider } from '../../src/jobs/providers/local/local-provider';
import { JobRegistry } from '../../src/jobs/registry';
import { recordStatements, type RecordedStatement } from './statement-recorder';

export interface SweepResult {
  recipients: number;
  statements: number;
  ms: number;
  output: unknown;
  statementTexts: string[];
}

/** Seeds `expired` due recipients over 10 owners (each with a recipient.expired endpoint), plus as many not due. */
async function seed(handle: DatabaseHandle, expired: number): Promise<void> {
  const sql = handle.sql;
  await sql.query(`insert into users (email, name) select 'owner' || n || '@bench.example', 'Owner ' || n from generate_series(1, 10) n`);
  await sql.query(
    `insert into webhooks (owner_id, url, secret, events)
     select id, 'https://hooks.bench.example/' || id, 'whsec_' || encode(sha256(random()::text::bytea), 'base64'), array['recipient.expired'] from users`,
  );
  const perDocument = 10;
  await sql.query(
    `insert into documents (owner_id, title, status, sent_at)
     select u.id, 'Contract ' || n, 'PENDING', now() - interval '8 days' from users u, generate_series(1, $1::int) n`,
    [Math.ceil(expired / perDocument / 10)],
  );
  await sql.query(
    `insert into recipients (document_id, email, status, sent_at, expires_at)
     select d.id, 'r' || n || '.' || left(d.id::text, 8) || '@bench.example', 'PENDING', d.sent_at,
            case when n <= $1::int then now() - interval '1 hour' else now() + interval '7 days' end
       from documents d, generate_series(1, $1::int * 2) n`,
    [perDocument],
  );
  await sql.query('analyze');
}

export async function measureExpirySweep(handle: DatabaseHandle, expired: number): Promise<SweepResult> {
  await seed(handle, expired);
  const now = () => new Date();
  const deps: JobDeps = {
    db: handle.db,
    now,
    email: createEmailTransport({ from: 'Bench <bench@example.com>', now }),
    exclusive: createExclusive(handle),
    emailRetention: { bodyHours: 24, days: 90 },
    publicWebappUrl: 'http://localhost:3000',
    jobAlerts: parseEnv({}).jobAlerts,
    jobHealthSources: () => undefined,
    webhooks: { allowPrivate: false, deliveriesPerSecond: 10 },
    emailSendsPerSecond: 5,
  };
  const registry = new JobRegistry(appEvents, [expireRecipientsSweep(deps), triggerWebhook(deps)] as never[]);
  // Serverless mode without self-dispatch: nothing polls, so every statement recorded belongs to this run.
  const provider = new LocalProvider({
    database: handle,
    registry,
    mode: 'serverless',
    concurrency: 1,
    leaseMs: 60_000,
    pollIntervalMs: 1000,
    retentionDays: 7,
    logger: silentLogger,
    onFailure: async (report) => {
      throw new Error(`sweep failed: ${report.error}`);
    },
  });
  const [slot] = await provider.scheduler.tick();
  const [job] = await handle.sql.query<{ id: string }>(`select id::text as id from background_jobs where job_id = 'expire-recipients-sweep'`);
  if (!slot || !job) throw new Error('the sweep slot was not enqueued');

  const recorder = recordStatements();
  const started = performance.now();
  const result = await provider.runJobById(job.id);
  const ms = performance.now() - started;
  recorder.stop();
  const [row] = await handle.sql.query<{ status: string; last_error: string | null }>('select status, last_error from background_jobs where id = $1', [job.id]);
  if (result !== 'ran' || row?.status !== 'COMPLETED') throw new Error(`sweep did not complete: ${result} ${row?.status} ${row?.last_error}`);
  const [memo] = await handle.sql.query<{ output: unknown }>(`select output from background_job_tasks where job_id = $1 and step_id = 'expire-recipients'`, [job.id]);
  const [counts] = await handle.sql.query<{ expired: string; deliveries: string; emails: string }>(
    `select (select count(*) from recipients where status = 'EXPIRED') as expired,
            (select count(*) from background_jobs where job_id = 'trigger-webhook') as deliveries,
            (select count(*) from email_messages) as emails`,
  );
  await provider.stop();
  return {
    recipients: expired,
    statements: recorder.statements.length,
    ms,
    output: { memoRows: Array.isArray(memo?.output) ? memo.output.length : 0, ...counts },
    statementTexts: recorder.statements.map(summarize),
  };
}

function summarize(statement: RecordedStatement): string {
  return statement.text.replace(/\s+/g, ' ').trim().slice(0, 90);
}
