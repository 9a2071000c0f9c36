// One configuration of the built app under test: the local receivers (Resend stand-in), a database cloned from
// the migrated template where the configuration has one, and the app processes, all started in beforeAll and
// stopped in afterAll. A failing test prints every process's output; afterAll prints the configuration's wall time.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { startFakeResend, type FakeResend } from '../../helpers/fake-resend';
import { waitFor } from '../../helpers/wait-for';
import { freePort, spawnNextStart, spawnWorker, type AppProcess } from './app-process';
import { startWebhookGateway, type WebhookGateway } from './webhook-gateway';

export interface E2EApp {
  /** The web process's base URL (also its PUBLIC_WEBAPP_URL, so emailed links point at it). */
  readonly url: string;
  readonly resend: FakeResend;
  /** The one webhook target host:port the app may reach (WEBHOOK_ALLOWED_HOSTS); receivers sit behind it. */
  readonly webhooks: WebhookGateway;
  /** The PostgreSQL database the app runs on, for assertions; undefined on embedded PGlite. */
  readonly database: TestDatabase | undefined;
  /** Waits until no job is due or running, as far as this configuration lets us see (PGlite: not at all). */
  settled(): Promise<void>;
}

export interface ConfigurationSetup {
  readonly resend: FakeResend;
  /** A database of its own, cloned from the migrated template, dropped in afterAll. */
  database(): Promise<TestDatabase>;
  /** A temporary directory removed in afterAll. */
  tempDir(): Promise<string>;
  /**
   * Starts `next start` on a free port and resolves once /api/health reports the database up. `env` may be a
   * function of the server's own URL (for settings that name it, e.g. INTERNAL_WEBAPP_URL).
   */
  startWeb(env: Record<string, string> | ((url: string) => Record<string, string>), name?: string): Promise<{ url: string; process: AppProcess }>;
  /** Starts `npm run worker` and resolves once it logs that its job server started. */
  startWorker(env: Record<string, string>, name?: string): Promise<AppProcess>;
  /** Runs in afterAll, before the processes are stopped. */
  onClose(close: () => Promise<void>): void;
}

export type ConfigurationStart = (setup: ConfigurationSetup) => Promise<{ url: string; database?: TestDatabase; settled?: () => Promise<void> }>;

export const RESEND_API_KEY = 're_test_e2e_0123456789';

/**
 * The environment every app process gets: production as `next start` runs it, email through the Resend stand-in,
 * webhooks allowed to exactly one loopback host:port (the gateway in front of the test's receivers).
 */
function baseEnv(resend: FakeResend, webhooks: WebhookGateway): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    RESEND_API_KEY,
    RESEND_BASE_URL: resend.url,
    WEBHOOK_ALLOWED_HOSTS: webhooks.hostPort,
  };
}

/** Registers the hooks of one configuration; the returned getter is valid inside tests. */
export function defineConfiguration(name: string, start: ConfigurationStart): () => E2EApp {
  let app: E2EApp | undefined;
  const processes: AppProcess[] = [];
  const closers: Array<() => Promise<void>> = [];
  const databases: TestDatabase[] = [];
  const dirs: string[] = [];
  let startedAt = 0;
  let readyAt = 0;
  let resend: FakeResend | undefined;
  let gateway: WebhookGateway | undefined;
  let startError: Error | undefined;

  const printOutput = (why: string) => {
    for (const child of processes) {
      const lines = child.output().trimEnd().split('\n');
      console.log(`----- ${name} / ${child.name} output (${why}; last ${Math.min(lines.length, 150)} of ${lines.length} lines) -----\n${lines.slice(-150).join('\n')}`);
    }
  };

  beforeAll(async () => {
    startedAt = Date.now();
    resend = await startFakeResend();
    gateway = await startWebhookGateway();
    const fake = resend;
    const webhooks = gateway;
    const setup: ConfigurationSetup = {
      resend: fake,
      async database() {
        const database = await createTestDatabase('postgres', { poolSize: 2 });
        databases.push(database);
        return database;
      },
      async tempDir() {
        const dir = await mkdtemp(path.join(os.tmpdir(), `e2e-${name}-`));
        dirs.push(dir);
        return dir;
      },
      async startWeb(env, processName = 'web') {
        const port = await freePort();
        const url = `http://127.0.0.1:${port}`;
        const child = spawnNextStart(processName, port, { ...baseEnv(fake, webhooks), PUBLIC_WEBAPP_URL: url, ...(typeof env === 'function' ? env(url) : env) });
        processes.push(child);
        await Promise.race([
          waitFor(() => isHealthy(url), { timeoutMs: 60_000, intervalMs: 100, what: `${processName}: /api/health to report the database up` }),
          child.exited.then((status) => Promise.reject(new Error(`${processName} exited (${status}) before it was healthy`))),
        ]);
        return { url, process: child };
      },
      async startWorker(env, processName = 'worker') {
        const child = spawnWorker(processName, { ...baseEnv(fake, webhooks), ...env });
        processes.push(child);
        await child.waitForLine(/job server started/);
        return child;
      },
      onClose: (close) => void closers.push(close),
    };
    try {
      const started = await start(setup);
      app = {
        url: started.url,
        resend: fake,
        webhooks,
        database: started.database,
        settled: started.settled ?? (async () => {}),
      };
      readyAt = Date.now();
    } catch (error) {
      // Not rethrown: vitest would mark every test skipped. Each test fails instead, naming the cause.
      startError = error as Error;
      printOutput('start-up failed');
    }
  }, 180_000);

  afterEach((context) => {
    if (!startError && context.task.result?.state === 'fail') printOutput(`"${context.task.name}" failed`);
  });

  afterAll(async () => {
    const testsDoneAt = Date.now();
    for (const close of closers.splice(0)) await close().catch((error) => console.error(`${name}: cleanup failed`, error));
    await Promise.all(processes.map((child) => child.stop()));
    await resend?.close();
    await gateway?.close();
    for (const database of databases) await database.drop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    const seconds = (from: number, to: number) => `${((to - from) / 1000).toFixed(1)} s`;
    const end = Date.now();
    console.log(`e2e ${name}: wall time ${seconds(startedAt, end)} (start-up ${seconds(startedAt, readyAt || testsDoneAt)}, tests ${seconds(readyAt || testsDoneAt, testsDoneAt)}, shutdown ${seconds(testsDoneAt, end)})`);
  }, 60_000);

  return () => {
    if (!app) throw new Error(`${name} did not start: ${startError?.message ?? 'beforeAll has not run'}`, { cause: startError });
    return app;
  };
}

async function isHealthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/api/health`);
    const body = (await response.json()) as { database?: string };
    return response.ok && body.database === 'ok';
  } catch {
    return false;
  }
}

/** Local provider on PostgreSQL: no job is due or running. */
export function localJobsSettled(database: TestDatabase): () => Promise<void> {
  return async () => {
    await waitFor(
      async () => (await database.handle.sql.query(`select 1 from background_jobs where status = 'PROCESSING' or (status = 'PENDING' and run_at <= now()) limit 1`)).length === 0,
      { timeoutMs: 30_000, what: 'every due job to finish' },
    );
  };
}
