// One provider under test, over a fresh database (and for BullMQ a fresh Redis prefix), with fast timings and
// recorded failure reports. The conformance scenarios talk only to this, so each runs unchanged on every target.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { JobDefinition } from '../../src/jobs/define';
import type { EventType } from '../../src/jobs/event-type';
import { JobClient } from '../../src/jobs/client';
import { JobRegistry } from '../../src/jobs/registry';
import { LocalProvider } from '../../src/jobs/providers/local/local-provider';
import { BullmqProvider } from '../../src/jobs/providers/bullmq/bullmq-provider';
import { anchorKey } from '../../src/jobs/providers/bullmq/anchor';
import type { FailedJobReport } from '../../src/jobs/failure-report';
import type { JobProvider } from '../../src/jobs/providers/types';
import { silentLogger, type JobLogger } from '../../src/jobs/logger';
import { InngestProvider, type InngestProviderOptions } from '../../src/jobs/providers/inngest/inngest-provider';
import { startFakeInngest } from './fake-inngest';
import { startRouteServer } from './route-server';
import { createTestDatabase, type TestDatabase } from './database';
import { redisUrl } from './services';
import { waitFor } from './wait-for';

export type Target = 'local-pglite' | 'local-postgres' | 'bullmq' | 'inngest';
export const TARGETS: readonly Target[] = ['local-pglite', 'local-postgres', 'bullmq', 'inngest'];

export interface JobState {
  status: string;
  attempts: number;
  last_error: string | null;
}

export interface ProviderHarness {
  target: Target;
  database: TestDatabase;
  provider: JobProvider;
  client: JobClient<Record<string, unknown>>;
  failures: FailedJobReport[];
  /** The background_jobs row id holding a dispatched job's state and memos (BullMQ: its anchor row). */
  rowId(id: string): Promise<string | undefined>;
  jobStatus(id: string): Promise<JobState>;
  waitForStatus(id: string, status: string | string[]): Promise<JobState>;
  /** Whether the job is parked by step.sleep (waiting, not holding a worker slot). */
  isParked(id: string): Promise<boolean>;
  /** How many jobs of a definition exist for an event whose data has this `key`. */
  countJobs(definitionId: string, key: string): Promise<number>;
  /**
   * When the provider started each of these jobs, on its own clock (local: the claim's start log, on the database
   * clock; BullMQ: `processedOn`; Inngest: when the executor started the run), ascending.
   */
  startTimes(ids: readonly string[]): Promise<number[]>;
  /** Whether step memos live in our background_job_tasks (local, BullMQ) rather than in the provider (Inngest). */
  memosInDatabase: boolean;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Called with each failure report after it is recorded (the app's Sentry hook, say). */
  onFailure?(report: FailedJobReport): Promise<void>;
  /** Inngest client middleware (e.g. @inngest/middleware-sentry); other targets ignore it. */
  inngestMiddleware?: InngestProviderOptions['middleware'];
  /** The provider's logger; silent by default. */
  logger?: JobLogger;
}

export async function createProviderHarness(
  target: Target,
  events: readonly EventType[],
  definitions: readonly JobDefinition<never>[],
  options: HarnessOptions = {},
): Promise<ProviderHarness> {
  const database = await createTestDatabase(target === 'local-pglite' ? 'pglite' : 'postgres');
  const registry = new JobRegistry(events, definitions);
  const failures: FailedJobReport[] = [];
  const onFailure = async (report: FailedJobReport) => {
    failures.push(report);
    await options.onFailure?.(report);
  };
  const sql = database.handle.sql;
  const prefix = `test-${randomBytes(4).toString('hex')}`;

  if (target === 'inngest') return createInngestHarness(database, registry, failures, onFailure, options);
  const provider: JobProvider =
    target === 'bullmq'
      ? new BullmqProvider({
          redisUrl: redisUrl(),
          prefix,
          concurrency: 10,
          database: database.handle,
          registry,
          logger: options.logger ?? silentLogger,
          onFailure,
          lockDurationMs: 2000,
          retentionDays: 1,
        })
      : new LocalProvider({
          database: database.handle,
          registry,
          mode: 'worker',
          concurrency: 10,
          leaseMs: 2000,
          pollIntervalMs: 100,
          retentionDays: 7,
          logger: options.logger ?? silentLogger,
          onFailure,
        });

  const rowId = async (id: string) => {
    if (target !== 'bullmq') return id;
    const [queue, jobId] = id.split('/') as [string, string];
    const rows = await sql.query<{ id: string }>('select id::text as id from background_jobs where dedupe_key = $1', [anchorKey(queue, jobId)]);
    return rows[0]?.id;
  };
  const anchorState = async (id: string) => {
    const row = await rowId(id);
    return row ? (await sql.query<JobState>('select status, attempts, last_error from background_jobs where id = $1', [row]))[0] : undefined;
  };
  const jobStatus = async (id: string): Promise<JobState> => {
    if (target !== 'bullmq') return (await anchorState(id)) ?? { status: 'PENDING', attempts: 0, last_error: null };
    // BullMQ's state first: once it is final, so is the anchor row (written before BullMQ is told), if the job
    // has one. A job without steps that succeeded never needed one, so BullMQ's word stands.
    const [queue, jobId] = id.split('/') as [string, string];
    const job = await (provider as BullmqProvider).queue(queue).getJob(jobId);
    const state = job ? await job.getState() : 'unknown';
    const anchored = await anchorState(id);
    if (anchored) return anchored;
    const status = state === 'completed' ? 'COMPLETED' : state === 'failed' ? 'FAILED' : state === 'active' ? 'PROCESSING' : 'PENDING';
    return { status, attempts: job?.attemptsMade ?? 0, last_error: job?.failedReason ?? null };
  };
  const isParked = async (id: string) => {
    if (target === 'bullmq') {
      const [queue, jobId] = id.split('/') as [string, string];
      const job = await (provider as BullmqProvider).queue(queue).getJob(jobId);
      return (await job?.isDelayed()) ?? false;
    }
    const rows = await sql.query<{ parked: boolean }>(`select status = 'PENDING' and run_at > now() as parked from background_jobs where id = $1`, [id]);
    return rows[0]?.parked ?? false;
  };

  return {
    target,
    database,
    provider,
    client: new JobClient<Record<string, unknown>>(registry, provider),
    failures,
    rowId,
    jobStatus,
    isParked,
    memosInDatabase: true,
    countJobs: async (definitionId, key) => {
      if (target !== 'bullmq') {
        return (await sql.query(`select 1 from background_jobs where job_id = $1 and payload->>'key' = $2`, [definitionId, key])).length;
      }
      const jobs = await (provider as BullmqProvider).queue(definitionId).getJobs(['completed', 'failed', 'active', 'waiting', 'delayed']);
      return jobs.filter((job) => (job.data as { event?: { data?: { key?: string } } }).event?.data?.key === key).length;
    },
    waitForStatus: (id, status) => waitForState(jobStatus, id, status),
    async startTimes(ids) {
      if (target === 'bullmq') {
        const jobs = await Promise.all(ids.map((id) => {
          const [queue, jobId] = id.split('/') as [string, string];
          return (provider as BullmqProvider).queue(queue).getJob(jobId);
        }));
        return jobs.map((job) => job?.processedOn ?? Number.NaN).sort((a, b) => a - b);
      }
      // Start log rows carry no job id: one per start of a throttled definition's job; the test's jobs are all there are.
      const [first] = await sql.query<{ job_id: string }>('select job_id from background_jobs where id = $1', [ids[0]]);
      const rows = await sql.query<{ at_ms: number }>(
        `select extract(epoch from at) * 1000 as at_ms from background_job_rate_log where job_id = $1 and kind = 'start' order by at`,
        [first?.job_id],
      );
      return rows.map((row) => Number(row.at_ms));
    },
    async close() {
      await provider.stop({ timeoutMs: 2000 });
      if (target === 'bullmq') await deleteKeys(prefix);
      await database.drop();
    },
  };
}

function waitForState(jobStatus: (id: string) => Promise<JobState>, id: string, status: string | string[]): Promise<JobState> {
  const wanted = Array.isArray(status) ? status : [status];
  return waitFor(async () => {
    const state = await jobStatus(id);
    return wanted.includes(state.status) ? state : undefined;
  }, { what: `job ${id} to be ${wanted.join('|')}` });
}

const INNGEST_SIGNING_KEY = `signkey-test-${randomBytes(16).toString('hex')}`;

/** Inngest through the fake executor: the real SDK serve handler over HTTP, signed calls, synced functions. */
async function createInngestHarness(
  database: TestDatabase,
  registry: JobRegistry,
  failures: FailedJobReport[],
  onFailure: (report: FailedJobReport) => Promise<void>,
  options: HarnessOptions,
): Promise<ProviderHarness> {
  const appId = 'conformance';
  const fake = await startFakeInngest({ signingKey: INNGEST_SIGNING_KEY, appId });
  // The server first, so the provider can be told its origin (the only URL a sync registers).
  const served: { endpoint?: (request: Request) => Promise<Response> } = {};
  const serveRequest = (request: Request) => served.endpoint!(request);
  const server = await startRouteServer({ '/api/inngest': { GET: serveRequest, POST: serveRequest, PUT: serveRequest } });
  const provider = new InngestProvider({
    appId,
    eventKey: 'test-event-key',
    signingKey: INNGEST_SIGNING_KEY,
    baseUrl: fake.url,
    isDev: false,
    serveOrigin: server.url,
    registry,
    logger: options.logger ?? silentLogger,
    onFailure,
    middleware: options.inngestMiddleware,
  });
  served.endpoint = provider.inngestEndpoint;
  fake.setAppUrl(`${server.url}/api/inngest`);
  const sync = await fake.sync();
  if (!sync.ok) throw new Error(`Inngest sync failed: ${sync.status} ${await sync.text()}`);

  const runOf = (id: string) => fake.runs.find((run) => run.eventId === id);
  const jobStatus = async (id: string): Promise<JobState> => {
    const run = runOf(id);
    if (!run) return { status: 'PENDING', attempts: 0, last_error: null };
    const status = run.status === 'RUNNING' || run.status === 'SLEEPING' ? 'PROCESSING' : run.status;
    const error = run.error as { stack?: string; message?: string } | undefined;
    return { status, attempts: run.attempts, last_error: error ? (error.stack ?? error.message ?? JSON.stringify(error)) : null };
  };
  return {
    target: 'inngest',
    database,
    provider,
    client: new JobClient<Record<string, unknown>>(registry, provider),
    failures,
    rowId: async (id) => runOf(id)?.runId,
    jobStatus,
    isParked: async (id) => runOf(id)?.status === 'SLEEPING',
    startTimes: async (ids) => ids.map((id) => runOf(id)?.startedAt ?? Number.NaN).sort((a, b) => a - b),
    memosInDatabase: false,
    countJobs: async (definitionId, key) =>
      fake.runs.filter(
        (run) => run.fnId === `${appId}-${definitionId}` && (fake.events.find((e) => e.id === run.eventId)?.data as { key?: string })?.key === key,
      ).length,
    waitForStatus: (id, status) => waitForState(jobStatus, id, status),
    async close() {
      await server.close();
      await fake.close();
      await database.drop();
    },
  };
}

async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl());
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
