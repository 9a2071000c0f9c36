// `npm run worker` against a database that has not been migrated: by default it migrates and runs jobs; with
// DATABASE_MIGRATE_ON_START=false it says once what is missing and how to fix it, claims nothing meanwhile (no
// error a second), and starts by itself once `npm run db:migrate` has run. Real processes, real PostgreSQL.
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openNodePostgres } from '../../src/db/drivers/node-postgres';
import { migrateDatabase, pendingMigrations } from '../../src/db/migrate';
import { adminUrl, databaseUrl } from '../helpers/services';
import { waitFor } from '../helpers/wait-for';

const root = path.resolve(import.meta.dirname, '../..');

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  await client.query(statement).finally(() => client.end());
}

/** What a fresh PostgreSQL server gives you: a database with nothing in it. */
async function createEmptyDatabase(names: string[]): Promise<string> {
  const name = `signing_jobs_empty_${Math.random().toString(16).slice(2, 10)}`;
  await admin(`create database "${name}"`);
  names.push(name);
  return databaseUrl(name);
}

function run(command: string, args: string[], env: Record<string, string>) {
  const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', ...env } });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

const lines = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string });

describe('npm run worker start-up', () => {
  const databases: string[] = [];
  const children: Array<ReturnType<typeof run>> = [];
  afterEach(async () => {
    for (const worker of children.splice(0)) {
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
  });
  afterAll(async () => {
    for (const name of databases) await admin(`drop database if exists "${name}" with (force)`);
  });

  const startWorker = (env: Record<string, string>) => {
    // The command `npm run worker` runs (package.json), without npm in between.
    const worker = run(process.execPath, ['--import', 'tsx', 'src/worker.ts'], { ONLY_JOB_SERVER: 'true', JOBS_POLL_INTERVAL_MS: '100', ...env });
    children.push(worker);
    return worker;
  };

  async function withDatabase<T>(url: string, query: (handle: ReturnType<typeof openNodePostgres>) => Promise<T>): Promise<T> {
    const handle = openNodePostgres(url, { poolSize: 2 });
    try {
      return await query(handle);
    } finally {
      await handle.close();
    }
  }

  it('migrates an unmigrated database at start, then runs jobs', { timeout: 120_000 }, async () => {
    const url = await createEmptyDatabase(databases);
    const worker = startWorker({ DATABASE_URL: url });
    await waitFor(() => worker.output().includes('job server started'), { timeoutMs: 60_000, what: `the worker to start:\n${worker.output()}` });
    expect(await withDatabase(url, (handle) => pendingMigrations(handle))).toEqual([]);
    const status = await withDatabase(url, async (handle) => {
      const [job] = await handle.sql.query<{ id: string }>(
        `insert into background_jobs (job_id, event_name, payload, max_attempts) values ('email-send', 'email/send', $1, 4) returning id::text`,
        [{ to: 'ada@example.com', subject: 'Hi', html: '<p>Hi</p>', text: 'Hi' }],
      );
      return waitFor(async () => {
        const [row] = await handle.sql.query<{ status: string }>('select status from background_jobs where id = $1', [job!.id]);
        return row?.status === 'COMPLETED' && row.status;
      }, { what: 'the job to complete' });
    });
    expect(status).toBe('COMPLETED');
    expect(lines(worker.output()).filter((line) => line.level >= 50)).toEqual([]);
  });

  it('waits for a database that does not answer yet, then migrates it and starts (a worker started before its database)', { timeout: 120_000 }, async () => {
    const name = `signing_jobs_later_${Math.random().toString(16).slice(2, 10)}`;
    const url = databaseUrl(name);
    const worker = startWorker({ DATABASE_URL: url });
    let exitCode: number | null | undefined;
    void worker.exited.then((code) => (exitCode = code));
    await waitFor(() => worker.output().includes('the database does not answer'), { timeoutMs: 60_000, what: `the worker to say it waits:\n${worker.output()}` });
    // The database appears after the worker said it would wait for it: the worker must still be there to see it.
    await admin(`create database "${name}"`);
    databases.push(name);
    await waitFor(() => worker.output().includes('job server started') || exitCode !== undefined, { timeoutMs: 60_000, what: 'the worker to start' });
    expect(exitCode, worker.output()).toBeUndefined();
    expect(worker.output()).toContain('the database schema is current; starting jobs');
    expect(await withDatabase(url, (handle) => pendingMigrations(handle))).toEqual([]);
  });

  it('exits 1 naming WORKER_HEALTH_PORT when that port is taken, instead of running without its probe', { timeout: 60_000 }, async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      const worker = startWorker({ DATABASE_URL: await createEmptyDatabase(databases), WORKER_HEALTH_PORT: String(port) });
      expect(await worker.exited).toBe(1);
      expect(worker.output()).toContain(`WORKER_HEALTH_PORT=${port} could not be opened (EADDRINUSE)`);
    } finally {
      taken.close();
    }
  });

  it('with DATABASE_MIGRATE_ON_START=false says once what is missing, claims nothing, and starts after npm run db:migrate', { timeout: 120_000 }, async () => {
    const url = await createEmptyDatabase(databases);
    const worker = startWorker({ DATABASE_URL: url, DATABASE_MIGRATE_ON_START: 'false' });
    await waitFor(() => worker.output().includes('schema is behind'), { timeoutMs: 60_000, what: `the schema report:\n${worker.output()}` });
    expect(worker.output()).toContain('npm run db:migrate');
    expect(worker.output()).not.toContain('job server started');

    // The operator's fix, while the worker waits (it re-checks every 100 ms meanwhile: dozens of times).
    const migrate = run('npm', ['run', 'db:migrate'], { DATABASE_URL: url });
    expect(await migrate.exited).toBe(0);
    await waitFor(() => worker.output().includes('job server started'), { timeoutMs: 30_000, what: 'the worker to start after the migration' });

    const logged = lines(worker.output());
    expect(logged.filter((line) => line.msg.includes('schema is behind'))).toHaveLength(1);
    // Nothing else at error level, and no claim ever ran against the missing tables.
    expect(logged.filter((line) => line.level >= 50)).toHaveLength(1);
    expect(worker.output()).not.toMatch(/does not exist|claiming jobs failed|reclaim sweep failed/);
    expect(logged.map((line) => line.msg)).toContain('the database schema is current; starting jobs');
  });

  it('lets concurrent migrators of one database apply each migration once', async () => {
    const url = await createEmptyDatabase(databases);
    const handles = Array.from({ length: 3 }, () => openNodePostgres(url, { poolSize: 2 }));
    try {
      await Promise.all(handles.map((handle) => migrateDatabase(handle)));
      const rows = await handles[0]!.sql.query<{ hash: string; n: number }>('select hash, count(*)::int as n from drizzle.__drizzle_migrations group by hash');
      expect(rows.every((row) => row.n === 1)).toBe(true);
      expect(await pendingMigrations(handles[0]!)).toEqual([]);
    } finally {
      await Promise.all(handles.map((handle) => handle.close()));
    }
  });
});
