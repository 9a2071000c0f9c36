// Faults (a) 4: connections terminated and PostgreSQL restarted under load; Redis restarted under a BullMQ load.
// Workers must reconnect and drain the backlog with nothing lost; a dispatch during an outage must fail fast.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JobClient } from '../../src/jobs/client';
import { defineEvent } from '../../src/jobs/event-type';
import { defineJob } from '../../src/jobs/define';
import { JobRegistry } from '../../src/jobs/registry';
import { LocalProvider } from '../../src/jobs/providers/local/local-provider';
import { BullmqProvider } from '../../src/jobs/providers/bullmq/bullmq-provider';
import { silentLogger } from '../../src/jobs/logger';
import type { TestDatabase } from '../helpers/database';
import { adminUrl } from '../helpers/services';
import { waitFor } from '../helpers/wait-for';
import { count, createFaultDatabase } from './fault-database';

const event = defineEvent('test/three-effects', z.object({ n: z.number() }));

function definitionsWriting(database: TestDatabase) {
  const sql = database.handle.sql;
  const effect = async (jobId: string, step: string) => {
    await sql.query('insert into test_executions (job_id, step, pid) values ($1, $2, 0)', [jobId, step]);
    await sql.query('insert into test_idempotent_effects (job_id, step, pid) values ($1, $2, 0) on conflict do nothing', [jobId, step]);
  };
  return [
    defineJob({ id: 'three-effects', trigger: { event }, retries: 10, backoff: { baseMs: 100, maxMs: 1000 } }, async ({ jobId, step }) => {
      await step.run('step-1', () => effect(jobId, 'step-1'));
      await step.run('step-2', () => effect(jobId, 'step-2'));
      await step.run('step-3', () => effect(jobId, 'step-3'));
    }),
  ];
}

function postgresCluster(): string {
  return execFileSync('bash', ['-c', 'ls /etc/postgresql']).toString().trim();
}

function pgctl(action: 'start' | 'stop'): void {
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', postgresCluster(), 'main', action, ...(action === 'stop' ? ['-m', 'fast'] : [])]);
}

describe('connection loss', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createFaultDatabase();
  });
  afterAll(() => database.drop());

  it('drains the backlog with nothing lost when its connections are terminated and PostgreSQL restarts', async () => {
    const registry = new JobRegistry([event], definitionsWriting(database));
    const provider = new LocalProvider({
      database: database.handle,
      registry,
      mode: 'worker',
      concurrency: 10,
      leaseMs: 2000,
      pollIntervalMs: 200,
      retentionDays: 7,
      logger: silentLogger,
      onFailure: async () => {},
    });
    const client = new JobClient(registry, provider);
    await client.dispatch(Array.from({ length: 2000 }, (_, n) => ({ name: 'test/three-effects', data: { n } })));
    await provider.start();
    const done = () => count(database, `select count(*)::int as n from background_jobs where status = 'COMPLETED'`);
    try {
      await waitFor(async () => (await done()) >= 300, { timeoutMs: 60_000 });
      // A separate admin connection kills every connection of ours to the test database, twice.
      for (let round = 0; round < 2; round++) {
        spawnSync('psql', [adminUrl(), '-qAtc', `select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = '${new URL(database.url).pathname.slice(1)}' and pid <> pg_backend_pid()`]);
        await waitFor(async () => (await done().catch(() => 0)) >= 600 * (round + 1), { timeoutMs: 60_000, what: 'progress after terminate' });
      }
      pgctl('stop');
      const startedAt = Date.now();
      const refused = await client.dispatch({ name: 'test/three-effects', data: { n: -1 } }).then(() => null, (error: Error) => error);
      const refusedInMs = Date.now() - startedAt;
      pgctl('start');
      expect(refused?.name).toBe('EnqueueError');
      expect(refused?.message).toMatch(/^Could not enqueue 1 job\(s\): PostgreSQL did not accept them \((.*ECONNREFUSED.*|.*terminat.*|.*shutting down.*|.*starting up.*)\)/);
      expect(refusedInMs).toBeLessThan(5000);
      const recoveredAt = Date.now();
      await waitFor(async () => (await done().catch(() => 0)) === 2000, { timeoutMs: 90_000, what: 'the backlog to drain after the restart' });
      const drainMs = Date.now() - recoveredAt;
      expect(await count(database, `select count(*)::int as n from test_idempotent_effects`)).toBe(6000);
      expect(await count(database, `select count(*)::int as n from background_job_tasks where status = 'COMPLETED'`)).toBe(6000);
      expect(await count(database, `select count(*)::int as n from background_jobs where status <> 'COMPLETED'`)).toBe(0);
      const repeated = await count(database, `select count(*)::int as n from (select 1 from test_executions group by job_id, step having count(*) > 1) r`);
      console.log(`faults: 2 connection kills + a PostgreSQL restart over 2,000 jobs: 0 lost, ${repeated} steps repeated, dispatch during the outage failed in ${refusedInMs} ms, backlog drained ${drainMs} ms after restart`);
    } finally {
      await provider.stop({ timeoutMs: 5000 });
    }
  });

  it('drains a BullMQ backlog with nothing lost across a Redis restart', async () => {
    // A Redis of our own with an append-only file, so a restart keeps its data (the shared one keeps nothing).
    const dir = mkdtempSync(path.join(tmpdir(), 'redis-fault-'));
    const port = 6391;
    const startRedis = () =>
      execFileSync('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', String(port), '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--dir', dir]);
    const stopRedis = () => spawnSync('redis-cli', ['-p', String(port), 'shutdown']);
    startRedis();
    await waitFor(async () => spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().includes('PONG'));
    const registry = new JobRegistry([event], definitionsWriting(database));
    const provider = new BullmqProvider({
      redisUrl: `redis://127.0.0.1:${port}`,
      prefix: 'fault',
      concurrency: 10,
      database: database.handle,
      registry,
      logger: silentLogger,
      onFailure: async () => {},
      lockDurationMs: 2000,
      retentionDays: 1,
    });
    const client = new JobClient(registry, provider);
    await database.handle.sql.query('truncate test_executions, test_idempotent_effects; truncate background_jobs cascade');
    try {
      const { ids } = await client.dispatch(Array.from({ length: 1000 }, (_, n) => ({ name: 'test/three-effects', data: { n } })));
      expect(ids).toHaveLength(1000);
      await provider.start();
      const done = () => count(database, `select count(*)::int as n from background_jobs where status = 'COMPLETED'`);
      await waitFor(async () => (await done()) >= 200, { timeoutMs: 60_000 });
      stopRedis();
      const startedAt = Date.now();
      const refused = await client.dispatch({ name: 'test/three-effects', data: { n: -1 } }).then(() => null, (error: Error) => error);
      const refusedInMs = Date.now() - startedAt;
      expect(refused?.name).toBe('EnqueueError');
      expect(refused?.message).toMatch(/^Could not enqueue 1 job\(s\): Redis did not accept them/);
      expect(refusedInMs).toBeLessThan(5000);
      startRedis();
      const recoveredAt = Date.now();
      await waitFor(async () => (await done()) === 1000, { timeoutMs: 90_000, what: 'the BullMQ backlog to drain after the restart' });
      expect(await count(database, `select count(*)::int as n from test_idempotent_effects`)).toBe(3000);
      console.log(`faults: Redis restart over 1,000 BullMQ jobs: 0 lost, dispatch during the outage failed in ${refusedInMs} ms (${refused?.message}), drained ${Date.now() - recoveredAt} ms after restart`);
    } finally {
      await provider.stop({ timeoutMs: 5000 });
      stopRedis();
    }
  });
});
