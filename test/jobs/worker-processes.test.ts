// Real worker processes against real PostgreSQL: crash recovery, several processes sharing one queue,
// graceful shutdown.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JobClient } from '../../src/jobs/client';
import { defineEvent } from '../../src/jobs/event-type';
import { defineJob } from '../../src/jobs/define';
import { JobRegistry } from '../../src/jobs/registry';
import { testLocalProvider } from '../helpers/local-provider';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startChildWorker, type ChildWorker } from '../helpers/child-worker';
import { waitFor } from '../helpers/wait-for';

// The dispatching side only needs the same events and definition ids; it never runs jobs itself.
const events = [
  defineEvent('test/effects', z.object({ n: z.number() })),
  defineEvent('test/limited-effects', z.object({ n: z.number() })),
  defineEvent('test/slow', z.object({ ms: z.number() })),
];
const definitions = [
  defineJob({ id: 'effects', trigger: { event: events[0]! } }, async () => {}),
  defineJob({ id: 'limited-effects', trigger: { event: events[1]! }, concurrency: { limit: 3 } }, async () => {}),
  defineJob({ id: 'slow', trigger: { event: events[2]! } }, async () => {}),
];

describe('worker processes', () => {
  let database: TestDatabase;
  let client: JobClient;
  const workers: ChildWorker[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    await database.handle.sql.query(`create table test_effects (job_id text not null, step text not null, pid int not null)`);
    await database.handle.sql.query(`create table test_gauge (running int not null, max_running int not null)`);
    await database.handle.sql.query(`insert into test_gauge values (0, 0)`);
    const registry = new JobRegistry(events, definitions);
    const provider = testLocalProvider(database.handle, registry);
    client = new JobClient(registry, provider);
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) {
      worker.kill('SIGKILL');
      await worker.exited;
    }
    await database.handle.sql.query('truncate test_effects; truncate background_jobs cascade');
  });
  afterAll(() => database.drop());

  const effects = (jobId: string) =>
    database.handle.sql.query<{ step: string; pid: number }>('select step, pid from test_effects where job_id = $1 order by step', [jobId]);

  it('finishes a job on another worker after the first is SIGKILLed mid-step, without re-running completed steps', async () => {
    const doomed = await startChildWorker(database.url, { hangInStep2: true, leaseMs: 1000 });
    workers.push(doomed);
    const { ids } = await client.dispatch({ name: 'test/effects', data: { n: 1 } });
    const jobId = ids[0]!;
    await waitFor(async () => (await effects(jobId)).some((row) => row.step === 'step-2-start'), { what: 'step 2 to start' });
    doomed.kill('SIGKILL');
    expect((await doomed.exited).signal).toBe('SIGKILL');

    const rescuer = await startChildWorker(database.url, { leaseMs: 1000, pollIntervalMs: 100 });
    workers.push(rescuer);
    await waitFor(async () => {
      const rows = await database.handle.sql.query<{ status: string }>('select status from background_jobs where id = $1', [jobId]);
      return rows[0]?.status === 'COMPLETED';
    }, { what: 'the job to complete on the second worker' });

    const rows = await effects(jobId);
    const steps = rows.map((row) => row.step);
    expect(steps.filter((step) => step === 'step-1')).toHaveLength(1);
    expect(steps.filter((step) => step === 'step-2')).toHaveLength(1);
    expect(steps.filter((step) => step === 'step-3')).toHaveLength(1);
    // Step 2 was in flight at the kill, so it started twice: once per process. Step 1 ran only in the first.
    expect(rows.filter((row) => row.step === 'step-2-start').map((row) => row.pid).sort()).toEqual(
      [doomed.process.pid, rescuer.process.pid].sort(),
    );
    expect(rows.find((row) => row.step === 'step-1')!.pid).toBe(doomed.process.pid);
  });

  it('runs 2,000 jobs exactly once across two worker processes, never exceeding a concurrency limit', async () => {
    // A lease far longer than any stall of a loaded CI machine: this case is about claiming across processes, and a
    // lapsed lease legitimately re-runs a step (at least once; the fault suite covers that with idempotent effects).
    const options = { concurrency: 10, leaseMs: 15_000 };
    workers.push(await startChildWorker(database.url, options), await startChildWorker(database.url, options));
    await client.dispatch(Array.from({ length: 1800 }, (_, n) => ({ name: 'test/effects', data: { n } })));
    await client.dispatch(Array.from({ length: 200 }, (_, n) => ({ name: 'test/limited-effects', data: { n } })));
    await waitFor(async () => {
      const rows = await database.handle.sql.query<{ n: number }>(`select count(*)::int as n from background_jobs where status = 'COMPLETED'`);
      return rows[0]!.n === 2000;
    }, { timeoutMs: 60_000, what: '2,000 jobs to complete' });

    const duplicates = await database.handle.sql.query(
      `select job_id, step from test_effects where step in ('step-1', 'step-2', 'step-3', 'limited') group by job_id, step having count(*) > 1`,
    );
    expect(duplicates).toEqual([]);
    const perStep = await database.handle.sql.query<{ step: string; n: number }>(
      `select step, count(*)::int as n from test_effects where step <> 'step-2-start' group by step order by step`,
    );
    expect(perStep).toEqual([
      { step: 'limited', n: 200 },
      { step: 'step-1', n: 1800 },
      { step: 'step-2', n: 1800 },
      { step: 'step-3', n: 1800 },
    ]);
    const gauge = await database.handle.sql.query<{ max_running: number }>('select max_running from test_gauge');
    expect(gauge[0]!.max_running).toBeLessThanOrEqual(3);
    expect(gauge[0]!.max_running).toBeGreaterThanOrEqual(2);
    const pids = await database.handle.sql.query(`select distinct pid from test_effects`);
    expect(pids).toHaveLength(2);
  });

  it('on SIGTERM stops claiming, lets running jobs finish, and exits 0', async () => {
    const worker = await startChildWorker(database.url, { concurrency: 4, shutdownTimeoutMs: 10_000 });
    workers.push(worker);
    const { ids } = await client.dispatch(Array.from({ length: 8 }, () => ({ name: 'test/slow', data: { ms: 400 } })));
    await waitFor(async () => (await database.handle.sql.query(`select 1 from test_effects where step = 'slow-start'`)).length === 4);
    worker.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    const statuses = await database.handle.sql.query<{ status: string; n: number }>(
      `select status, count(*)::int as n from background_jobs where id = any($1::bigint[]) group by status order by status`,
      [ids],
    );
    expect(statuses).toEqual([
      { status: 'COMPLETED', n: 4 },
      { status: 'PENDING', n: 4 },
    ]);
  });

  it('on SIGTERM past the timeout releases running jobs back to PENDING with their attempt given back', async () => {
    const worker = await startChildWorker(database.url, { concurrency: 2, shutdownTimeoutMs: 100 });
    workers.push(worker);
    const { ids } = await client.dispatch([{ name: 'test/slow', data: { ms: 30_000 } }]);
    await waitFor(async () => (await database.handle.sql.query(`select 1 from test_effects where step = 'slow-start'`)).length === 1);
    worker.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    const rows = await database.handle.sql.query('select status, attempts, locked_by from background_jobs where id = $1', [ids[0]]);
    expect(rows).toEqual([{ status: 'PENDING', attempts: 0, locked_by: null }]);
  });
});
