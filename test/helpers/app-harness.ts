// The whole app under test: every API route module served over real HTTP with the runtime built from env (as
// `next start` would), and a local-provider worker in this process running the real job definitions against the
// same PostgreSQL database, with an injected clock. The web runtime only enqueues (JOBS_SERVER_DISABLED), the
// worker runs: the "web + dedicated worker" hosting mode.
import { vi } from 'vitest';
import { asc } from 'drizzle-orm';
import { emailMessages, type auditLogs } from '../../src/db/schema';
import { resetConfig, getConfig } from '../../src/env';
import { closeRuntime } from '../../src/runtime';
import { createUser } from '../../src/domain/users/create-user';
import { appDefinitions, createJobDeps, type JobDeps } from '../../src/jobs/definitions';
import { JobClient } from '../../src/jobs/client';
import { appEvents, type AppEventCatalog } from '../../src/jobs/events';
import { JobRegistry } from '../../src/jobs/registry';
import { LocalProvider } from '../../src/jobs/providers/local/local-provider';
import type { FailedJobReport } from '../../src/jobs/failure-report';
import { silentLogger } from '../../src/jobs/logger';
import { createTestDatabase, type TestDatabase } from './database';
import { startRouteServer, type RouteServer } from './route-server';
import { createTestClock, type TestClock } from './test-clock';
import { waitFor } from './wait-for';
import { apiRoutes } from './api-routes';

export const CRON_SECRET = 'test-cron-secret-0123456789';

export interface AppOptions {
  /** Run jobs in this process (default true); route-only tests leave it off. */
  worker?: boolean;
  env?: Record<string, string>;
  /** Webhook retry delays; the default retries in 20–25 ms. */
  webhookBackoff?: { baseMs: number; maxMs: number };
}

export interface ApiAnswer {
  status: number;
  // Tests read JSON answers loosely; the assertions say what they expect.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface AppHarness {
  database: TestDatabase;
  server: RouteServer;
  clock: TestClock;
  deps: JobDeps;
  worker: LocalProvider | undefined;
  /** Dispatches straight to the worker's provider (events the HTTP API has no route for). */
  jobs: JobClient<AppEventCatalog> | undefined;
  failures: FailedJobReport[];
  api(method: string, path: string, options?: { key?: string; body?: unknown; headers?: Record<string, string> }): Promise<ApiAnswer>;
  createUser(email: string, name?: string): Promise<{ id: string; apiKey: string }>;
  emails(): Promise<Array<typeof emailMessages.$inferSelect>>;
  auditTypes(documentId: string): Promise<string[]>;
  /** Waits until no job is pending or running (retries included: tests shorten their backoff). */
  jobsSettled(): Promise<void>;
  /** Attempts used by each job of a definition, oldest job first. */
  jobAttempts(definitionId: string): Promise<number[]>;
  close(): Promise<void>;
}

/** Webhook retries in tests: 20–50 ms instead of 30 s to 4 h. */
const FAST_BACKOFF = { baseMs: 40, maxMs: 50 };

export async function startApp(options: AppOptions = {}): Promise<AppHarness> {
  const database = await createTestDatabase('postgres');
  const server = await startRouteServer(apiRoutes);
  const env = {
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    LOG_LEVEL: 'silent',
    JOBS_SERVER_DISABLED: 'true',
    WEBHOOK_ALLOW_PRIVATE: 'true',
    CRON_SECRET,
    PUBLIC_WEBAPP_URL: server.url,
    ...options.env,
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  resetConfig();

  const clock = createTestClock();
  const deps = createJobDeps(getConfig(), database.handle, { now: clock.now, webhooks: { allowPrivate: true, backoff: options.webhookBackoff ?? FAST_BACKOFF, deliveriesPerSecond: 1000 } });
  const failures: FailedJobReport[] = [];
  const registry = new JobRegistry(appEvents, appDefinitions(deps));
  const worker =
    options.worker === false
      ? undefined
      : new LocalProvider({
          database: database.handle,
          registry,
          mode: 'worker',
          concurrency: 10,
          leaseMs: 5000,
          pollIntervalMs: 50,
          retentionDays: 7,
          logger: silentLogger,
          onFailure: async (report) => void failures.push(report),
          now: clock.now,
          // Email jobs keep the default backoff (base 1 s); pin jitter to its low end so retries come in ~0.5 s.
          random: () => 0,
          // Cron slots are enqueued by tests calling worker.scheduler.tick(), at the clock's time.
          scheduler: { intervalMs: 24 * 60 * 60 * 1000, jitterMs: 0 },
        });
  await worker?.start();
  // start() ticks the scheduler without waiting; ticking here too means today's slots are enqueued (once: slot
  // keys dedupe) by the time startApp returns, so jobsSettled() covers them.
  await worker?.scheduler.tick();

  const db = database.handle.db;
  return {
    database,
    server,
    clock,
    deps,
    worker,
    jobs: worker && new JobClient<AppEventCatalog>(registry, worker),
    failures,
    async api(method, path, { key, body, headers } = {}) {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          ...(body !== undefined && { 'content-type': 'application/json' }),
          ...(key && { authorization: `Bearer ${key}` }),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
    },
    async createUser(email, name) {
      const { user, apiKey } = await createUser(db, { email, name, emailVerifiedAt: new Date() });
      return { id: user.id, apiKey };
    },
    emails: () => db.select().from(emailMessages).orderBy(asc(emailMessages.createdAt), asc(emailMessages.to)),
    async auditTypes(documentId) {
      const rows = await database.handle.sql.query<Pick<typeof auditLogs.$inferSelect, 'type'>>(
        'select type from audit_logs where document_id = $1 order by id',
        [documentId],
      );
      return rows.map((row) => row.type);
    },
    async jobsSettled() {
      await waitFor(
        async () => {
          const rows = await database.handle.sql.query(`select 1 from background_jobs where status in ('PENDING', 'PROCESSING') limit 1`);
          return rows.length === 0;
        },
        { what: 'every job to finish' },
      );
    },
    async jobAttempts(definitionId) {
      const rows = await database.handle.sql.query<{ attempts: number }>('select attempts from background_jobs where job_id = $1 order by id', [definitionId]);
      return rows.map((row) => row.attempts);
    },
    async close() {
      await worker?.stop({ timeoutMs: 2000 });
      await closeRuntime();
      await server.close();
      await database.drop();
      vi.unstubAllEnvs();
      resetConfig();
    },
  };
}

/** The token in an emailed link, e.g. `/sign/<token>`. */
export function tokenFrom(text: string, path: 'sign' | 'verify-email' | 'reset-password'): string {
  const match = new RegExp(`/${path}/([A-Za-z0-9_-]+)`).exec(text);
  if (!match) throw new Error(`no /${path}/ link in: ${text}`);
  return decodeURIComponent(match[1]!);
}
