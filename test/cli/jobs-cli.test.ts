import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob, type JobDefinition } from '../../src/jobs/define';
import { defineEvent } from '../../src/jobs/event-type';
import { createProviderHarness, type ProviderHarness } from '../helpers/provider-harness';
import { adminUrl, databaseUrl, redisUrl } from '../helpers/services';

const work = defineEvent('cli/work', z.object({ ref: z.string(), token: z.string().optional() }));
const failing = new Set<string>();
const definitions = [
  defineJob({ id: 'cli-work', trigger: { event: work }, retries: 0 }, async ({ event, step }) => {
    await step.run('prepare', () => event.data.ref);
    if (failing.has(event.data.ref)) throw new Error(`cli work ${event.data.ref} failed`);
    return { done: event.data.ref };
  }),
] as JobDefinition<never>[];

const root = path.resolve(import.meta.dirname, '../..');
const actor = `cli:${userInfo().username}`;

/** The environment without any database URL (or its aliases), so a test chooses the database itself. */
function withoutDatabase(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const { DATABASE_URL: _a, POSTGRES_URL: _b, NEXT_PRIVATE_DATABASE_URL: _c, ...rest } = env;
  return rest;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  json: () => Record<string, unknown>;
}

// The CLI against the test file's PostgreSQL database, while a real LocalProvider in this process runs the jobs.
describe('npm run jobs', () => {
  let harness: ProviderHarness;

  beforeAll(async () => {
    harness = await createProviderHarness('local-postgres', [work], definitions);
    await harness.provider.start();
  });
  afterAll(() => harness.close());

  const cli = (...args: string[]) => cliWith({ DATABASE_URL: harness.database.url }, ...args);
  /** The CLI as `npm run jobs` starts it, from `cwd` (this checkout unless told: e.g. a directory holding a .env.local). */
  const cliWith = (env: Record<string, string | undefined>, ...args: string[]) => cliIn(root, env, ...args);
  const cliIn = (cwd: string, env: Record<string, string | undefined>, ...args: string[]) => scriptIn('src/cli/jobs.ts', cwd, env, ...args);
  /** One of the package's CLIs (`src/cli/jobs.ts`, `src/db/migrate-cli.ts`, `scripts/user-create.ts`) as npm runs it. */
  const scriptIn = (script: string, cwd: string, env: Record<string, string | undefined>, ...args: string[]) =>
    new Promise<Run>((resolve, reject) => {
      const tsx = pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href;
      const child = spawn(process.execPath, ['--import', tsx, path.join(root, script), ...args], {
        cwd,
        env: { ...withoutDatabase(process.env), JOBS_PROVIDER: 'local', LOG_LEVEL: 'warn', NODE_ENV: 'test', TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.json'), ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr, json: () => JSON.parse(stdout) as Record<string, unknown> }));
    });

  const dispatch = async (data: { ref: string; token?: string }, options: { delay?: string } = {}) =>
    (await harness.client.dispatch({ name: 'cli/work', data } as never, options as never)).ids[0]!;
  const finished = async (data: { ref: string; token?: string }, status: 'COMPLETED' | 'FAILED') => {
    const id = await dispatch(data);
    await harness.waitForStatus(id, status);
    return id;
  };
  const auditRows = (type: string) =>
    harness.database.handle.sql.query<{ data: Record<string, unknown> }>(`select data from audit_logs where type = $1 order by id`, [type]);

  it('says what to do when the database is unmigrated or does not answer, and never prints a query\'s values', async () => {
    const name = `jobs_cli_empty_${randomUUID().slice(0, 8)}`;
    const admin = new pg.Client(adminUrl());
    await admin.connect();
    await admin.query(`create database "${name}"`);
    try {
      const empty = { DATABASE_URL: databaseUrl(name) };
      const list = await cliWith(empty, 'list');
      expect(list.code).toBe(1);
      expect(list.stderr).toMatch(/schema is behind.*run `npm run db:migrate`/);
      const user = await scriptIn('scripts/user-create.ts', root, empty, '--email', 'values-stay-out@example.com');
      expect(user.code).toBe(1);
      expect(user.stderr).toMatch(/schema is behind.*npm run db:migrate/);
      expect(user.stderr).not.toContain('values-stay-out@example.com');

      const down = { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing' };
      const migrate = await scriptIn('src/db/migrate-cli.ts', root, down);
      expect(migrate.code).toBe(1);
      expect(migrate.stderr).toMatch(/^Could not migrate the PostgreSQL database: the database does not answer \(ECONNREFUSED: .*\): check DATABASE_URL/);
      expect(migrate.stderr).not.toMatch(/\n\s+at /);
      const applied = await scriptIn('src/db/migrate-cli.ts', root, empty);
      expect(applied.stdout).toMatch(/^Applied \d+ migration\(s\) to the PostgreSQL database: 0000_create_tables, /);
      expect((await scriptIn('src/db/migrate-cli.ts', root, empty)).stdout).toBe('Nothing to apply: the PostgreSQL database has every migration.\n');
    } finally {
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    }
  });

  it('prints help (exit 0) and refuses bad usage (exit 2)', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    for (const command of ['list', 'show', 'retry', 'retry-failed', 'replay', 'cancel', 'stats', 'prune']) expect(help.stdout).toContain(command);
    expect((await cli('list', '--status', 'SOMETIMES')).code).toBe(2);
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('prune')).code).toBe(2);
    const badId = await cli('show', 'abc', '--json');
    expect(badId.code).toBe(2);
    expect(badId.json()).toMatchObject({ code: 'usage' });
  });

  it('opens (and migrates) the embedded database without DATABASE_URL, reads BullMQ through its inspector, and refuses Inngest with exit 1', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'jobs-cli-pglite-'));
    try {
      const embedded = await cliWith({ PGLITE_DATA_DIR: dataDir }, 'list', '--json');
      expect(embedded.code).toBe(0);
      expect(embedded.json()).toEqual({ jobs: [] });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
    // BullMQ: the same commands through its inspector (an empty prefix here: nothing queued yet).
    const bullmq = await cliWith(
      { DATABASE_URL: harness.database.url, JOBS_PROVIDER: 'bullmq', REDIS_URL: redisUrl(), REDIS_PREFIX: `cli-${randomUUID()}` },
      'list',
      '--json',
    );
    expect(bullmq.code).toBe(0);
    expect(bullmq.json()).toEqual({ jobs: [] });
    // BullMQ's ids, as `list` prints them, are taken: an unknown one is "not found" (3), not a usage error (2).
    for (const id of ['send-password-reset-email/1', 'job-health-alerts/repeat:job-health-alerts:1796394000000']) {
      const shown = await cliWith({ DATABASE_URL: harness.database.url, JOBS_PROVIDER: 'bullmq', REDIS_URL: redisUrl(), REDIS_PREFIX: `cli-${randomUUID()}` }, 'show', id, '--json');
      expect(shown.code, shown.stdout + shown.stderr).toBe(3);
    }
    // Inngest keeps its runs in its cloud: exit 1, and where to look instead.
    const inngest = await cliWith({ DATABASE_URL: harness.database.url, JOBS_PROVIDER: 'inngest', INNGEST_DEV: 'true' }, 'list', '--json');
    expect(inngest.code).toBe(1);
    expect(inngest.json()).toMatchObject({ code: 'wrong-provider', error: expect.stringContaining('/runs') });
  });

  it('reads DATABASE_URL from the .env.local of the directory it runs in, as next start does', async () => {
    const id = await finished({ ref: randomUUID() }, 'COMPLETED');
    const dir = await mkdtemp(path.join(tmpdir(), 'jobs-cli-env-'));
    try {
      await writeFile(path.join(dir, '.env.local'), `DATABASE_URL=${harness.database.url}\n`);
      // Not NODE_ENV=test: Next's loader leaves .env.local out under test, as next itself does.
      const show = await cliIn(dir, { NODE_ENV: 'production' }, 'show', id, '--json');
      expect(show.code, show.stderr).toBe(0);
      expect(show.json()).toMatchObject({ id, status: 'COMPLETED' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('lists and shows jobs as JSON, secrets redacted; a missing job is exit 3', async () => {
    const ref = randomUUID();
    const done = await finished({ ref, token: 'tok_secret' }, 'COMPLETED');
    failing.add(`${ref}-bad`);
    const bad = await finished({ ref: `${ref}-bad` }, 'FAILED');
    const list = await cli('list', '--json', '--limit', '50');
    expect(list.code).toBe(0);
    const ids = (list.json().jobs as Array<{ id: string }>).map((job) => job.id);
    expect(ids.indexOf(bad)).toBeLessThan(ids.indexOf(done));
    const failed = await cli('list', '--status', 'failed', '--job', 'cli-work', '--json');
    expect((failed.json().jobs as Array<{ id: string; status: string }>).map((job) => job.id)).toContain(bad);
    expect((failed.json().jobs as Array<{ status: string }>).every((job) => job.status === 'FAILED')).toBe(true);
    const show = await cli('show', done, '--json');
    expect(show.code).toBe(0);
    expect(show.json()).toMatchObject({
      id: done,
      status: 'COMPLETED',
      result: { done: ref },
      payload: { ref, token: '[redacted]' },
      steps: [expect.objectContaining({ id: 'prepare', status: 'COMPLETED' })],
      attemptHistory: [expect.objectContaining({ outcome: 'completed' })],
    });
    const text = await cli('show', bad);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`cli work ${ref}-bad failed`);
    const missing = await cli('show', '999999999', '--json');
    expect(missing.code).toBe(3);
    expect(missing.json()).toMatchObject({ code: 'not-found' });
  });

  it('retries a failed job (audited), and refuses one that is not failed with exit 4', async () => {
    const ref = randomUUID();
    failing.add(ref);
    const id = await finished({ ref }, 'FAILED');
    const done = await finished({ ref: `${ref}-ok` }, 'COMPLETED');
    const wrong = await cli('retry', done, '--json');
    expect(wrong.code).toBe(4);
    expect(wrong.json()).toMatchObject({ code: 'not-failed' });
    expect((await cli('retry', '999999999')).code).toBe(3);
    failing.delete(ref);
    const retry = await cli('retry', id, '--json');
    expect(retry.code).toBe(0);
    expect(retry.json()).toEqual({ id, result: 'retried' });
    await harness.waitForStatus(id, 'COMPLETED');
    expect((await auditRows('JOB_RETRIED')).map((row) => row.data)).toContainEqual({ actor, jobId: id });
  });

  it('retries every failed job of a definition', async () => {
    const refs = [randomUUID(), randomUUID()];
    for (const ref of refs) failing.add(ref);
    const ids = await Promise.all(refs.map((ref) => finished({ ref }, 'FAILED')));
    for (const ref of refs) failing.delete(ref);
    const run = await cli('retry-failed', '--job', 'cli-work', '--since', '1h', '--json');
    expect(run.code).toBe(0);
    expect((run.json().retried as number) >= 2).toBe(true);
    await Promise.all(ids.map((id) => harness.waitForStatus(id, 'COMPLETED')));
    expect((await auditRows('JOBS_RETRIED')).at(-1)!.data).toMatchObject({ actor, count: run.json().retried, definition: 'cli-work' });
  });

  it('replays a completed job and cancels a pending one, each audited', async () => {
    const ref = randomUUID();
    const done = await finished({ ref }, 'COMPLETED');
    const replay = await cli('replay', done, '--json');
    expect(replay.code).toBe(0);
    const newId = replay.json().jobId as string;
    await harness.waitForStatus(newId, 'COMPLETED');
    expect((await auditRows('JOB_REPLAYED')).map((row) => row.data)).toContainEqual({ actor, jobId: done, newJobId: newId });

    const later = await dispatch({ ref: `${ref}-later` }, { delay: '1h' });
    const cancel = await cli('cancel', later, '--reason', 'sent twice', '--json');
    expect(cancel.code).toBe(0);
    const [row] = await harness.database.handle.sql.query<{ status: string; cancel_reason: string }>(
      'select status, cancel_reason from background_jobs where id = $1',
      [later],
    );
    expect(row).toEqual({ status: 'CANCELLED', cancel_reason: `${actor}: sent twice` });
    expect((await auditRows('JOB_CANCELLED')).map((entry) => entry.data)).toContainEqual({ actor, jobId: later, reason: `${actor}: sent twice` });
    expect((await cli('cancel', later)).code).toBe(4);
    expect((await cli('replay', later)).code).toBe(4);
  });

  it('reports stats and prunes old finished jobs', async () => {
    const stats = await cli('stats', '--window', '1h', '--json');
    expect(stats.code).toBe(0);
    const body = stats.json() as { counts: Record<string, number>; queueHealth: { stuck: number }; metrics: { overall: { completed: number } } };
    expect(body.counts.COMPLETED).toBeGreaterThan(0);
    expect(body.queueHealth.stuck).toBe(0);
    expect(body.metrics.overall.completed).toBeGreaterThan(0);

    const old = await finished({ ref: randomUUID() }, 'COMPLETED');
    const recent = await finished({ ref: randomUUID() }, 'COMPLETED');
    await harness.database.handle.sql.query(`update background_jobs set completed_at = now() - interval '8 days' where id = $1`, [old]);
    const prune = await cli('prune', '--older-than', '7d', '--json');
    expect(prune.code).toBe(0);
    expect(prune.json()).toMatchObject({ deleted: 1 });
    const left = await harness.database.handle.sql.query<{ id: string }>('select id::text as id from background_jobs where id = any($1::bigint[])', [[old, recent]]);
    expect(left.map((entry) => entry.id)).toEqual([recent]);
  });
});
