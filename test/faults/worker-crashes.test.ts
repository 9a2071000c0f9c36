// Faults (a) 1, 2, 22 of shared/reference/reliability-security.md: workers SIGKILLed under load, a worker frozen
// past its lease, a job that kills its process on every attempt, SIGTERM with 20 jobs in flight.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JobClient } from '../../src/jobs/client';
import { defineEvent } from '../../src/jobs/event-type';
import { defineJob } from '../../src/jobs/define';
import { JobRegistry } from '../../src/jobs/registry';
import type { TestDatabase } from '../helpers/database';
import { testLocalProvider } from '../helpers/local-provider';
import { startChildWorker, type ChildWorker } from '../helpers/child-worker';
import { waitFor } from '../helpers/wait-for';
import { count, createFaultDatabase } from './fault-database';

const names = ['test/three-effects', 'test/stoppable', 'test/poison', 'test/slow'] as const;
const events = [
  defineEvent(names[0], z.object({ n: z.number() })),
  defineEvent(names[1], z.object({ pauseMs: z.number() })),
  defineEvent(names[2], z.object({})),
  defineEvent(names[3], z.object({ ms: z.number() })),
];
const ids = ['three-effects', 'stoppable', 'poison', 'slow'];
// The dispatching side needs the events and definition ids only; the child processes run the jobs.
const definitions = events.map((event, index) => defineJob({ id: ids[index]!, trigger: { event } }, async () => {}));

describe('worker faults', () => {
  let database: TestDatabase;
  let client: JobClient;
  const workers: ChildWorker[] = [];
  const start = async (options: Record<string, unknown>) => {
    const worker = await startChildWorker(database.url, options);
    workers.push(worker);
    return worker;
  };

  beforeAll(async () => {
    database = await createFaultDatabase();
    const registry = new JobRegistry(events, definitions);
    const provider = testLocalProvider(database.handle, registry);
    client = new JobClient(registry, provider);
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) {
      worker.kill('SIGKILL');
      await worker.exited;
    }
    await database.handle.sql.query('truncate test_effects, test_executions, test_idempotent_effects; truncate background_jobs cascade');
  });
  afterAll(() => database.drop());

  const completed = () => count(database, `select count(*)::int as n from background_jobs where status = 'COMPLETED'`);

  it('loses nothing when a worker is SIGKILLed three times during 5,000 three-step jobs', async () => {
    const options = { concurrency: 10, leaseMs: 1000, pollIntervalMs: 200 };
    await start(options);
    await start(options);
    await client.dispatch(Array.from({ length: 5000 }, (_, n) => ({ name: 'test/three-effects', data: { n } })));
    const recoveries: number[] = [];
    for (const threshold of [1000, 2000, 3000]) {
      await waitFor(async () => (await completed()) >= threshold, { timeoutMs: 60_000, what: `${threshold} completed` });
      const victim = workers.find((worker) => worker.process.exitCode === null && worker.process.signalCode === null)!;
      victim.kill('SIGKILL');
      await victim.exited;
      const killedAt = Date.now();
      // Orphans: jobs the dead worker held. They must be back in play within the lease plus one sweep.
      await waitFor(async () => (await count(database, `select count(*)::int as n from background_jobs where locked_by like $1`, [`%:${victim.process.pid}:%`])) === 0, {
        timeoutMs: 10_000,
        what: 'orphans to be reclaimed',
      });
      recoveries.push(Date.now() - killedAt);
      await start(options);
    }
    await waitFor(async () => (await completed()) === 5000, { timeoutMs: 120_000, what: 'all 5,000 jobs to complete' });

    expect(await count(database, `select count(*)::int as n from test_idempotent_effects`)).toBe(15_000);
    const repeated = await count(database, `select count(*)::int as n from (select 1 from test_executions group by job_id, step having count(*) > 1) r`);
    // Only a step whose memo was not yet committed at a kill may run twice, at most one per job the worker held:
    // 3 kills × 8 jobs per slot × 10 slots (jobs waiting for a memo hold no slot, worker-slots.ts).
    expect(repeated).toBeLessThanOrEqual(3 * 8 * 10);
    const steps = await count(database, `select count(*)::int as n from background_job_tasks where status = 'COMPLETED'`);
    expect(steps).toBe(15_000);
    for (const ms of recoveries) expect(ms).toBeLessThanOrEqual(1000 + 200 + 2000);
    console.log(`faults: 3 SIGKILLs over 5,000 jobs: 0 lost, ${repeated} step executions repeated, orphans reclaimed in ${recoveries.join(', ')} ms`);
  });

  it('refuses a frozen worker’s late writes after another finished its job (fenced by lock token)', async () => {
    const frozen = await start({ concurrency: 1, leaseMs: 800, pollIntervalMs: 100 });
    const { ids: [jobId] } = await client.dispatch({ name: 'test/stoppable', data: { pauseMs: 1500 } });
    await waitFor(async () => (await count(database, `select count(*)::int as n from test_effects where step = 'step-2-start'`)) === 1);
    frozen.kill('SIGSTOP');
    const rescuer = await start({ concurrency: 1, leaseMs: 800, pollIntervalMs: 100 });
    await waitFor(async () => (await count(database, `select count(*)::int as n from background_jobs where status = 'COMPLETED'`)) === 1, {
      what: 'the rescuer to finish the job',
    });
    const before = await database.handle.sql.query(`select step_id, output, attempts from background_job_tasks where job_id = $1 order by step_id`, [jobId]);
    frozen.kill('SIGCONT');
    // The frozen worker resumes inside step 2 and finishes it; wait for that execution, then look at the records.
    await waitFor(async () => (await count(database, `select count(*)::int as n from test_executions where step = 'step-2' and pid = $1`, [frozen.process.pid])) === 1, {
      what: 'the frozen worker to finish its step',
    });
    await waitFor(async () => (await count(database, `select count(*)::int as n from test_executions where pid = $1`, [frozen.process.pid])) >= 2);
    const after = await database.handle.sql.query(`select step_id, output, attempts from background_job_tasks where job_id = $1 order by step_id`, [jobId]);
    expect(after).toEqual(before);
    expect(before.map((row) => (row as { output: number }).output)).toEqual([frozen.process.pid, rescuer.process.pid, rescuer.process.pid]);
    const job = await database.handle.sql.query(`select status, attempts from background_jobs where id = $1`, [jobId]);
    expect(job).toEqual([{ status: 'COMPLETED', attempts: 2 }]);
    // The stale worker never ran step 3.
    expect(await count(database, `select count(*)::int as n from test_executions where step = 'step-3' and pid = $1`, [frozen.process.pid])).toBe(0);
  });

  it('fails a job that crashes its process on every attempt after its attempts, instead of looping', async () => {
    const { ids: [jobId] } = await client.dispatch({ name: 'test/poison', data: {} });
    let deaths = 0;
    for (;;) {
      const worker = await start({ concurrency: 1, leaseMs: 500, pollIntervalMs: 100 });
      const outcome = await Promise.race([
        worker.exited.then(() => 'died' as const),
        waitFor(async () => (await count(database, `select count(*)::int as n from background_jobs where id = $1 and status = 'FAILED'`, [jobId])) === 1, {
          timeoutMs: 15_000,
        }).then(() => 'failed' as const),
      ]);
      if (outcome === 'failed') break;
      deaths++;
      expect(deaths).toBeLessThanOrEqual(4);
    }
    const rows = await database.handle.sql.query<{ attempts: number; last_error: string }>(`select attempts, last_error from background_jobs where id = $1`, [jobId]);
    expect(deaths).toBe(4);
    expect(rows[0]!.attempts).toBe(4);
    expect(rows[0]!.last_error).toMatch(/^Lease expired: the worker .* stopped renewing it/);
    console.log(`faults: poison job FAILED after ${deaths} process deaths`);
  });

  it('on SIGTERM with 20 jobs in flight claims nothing new, lets them finish, and exits 0', async () => {
    const worker = await start({ concurrency: 20, leaseMs: 1000, shutdownTimeoutMs: 10_000 });
    await client.dispatch(Array.from({ length: 40 }, () => ({ name: 'test/slow', data: { ms: 500 } })));
    await waitFor(async () => (await count(database, `select count(*)::int as n from test_effects where step = 'slow-start'`)) === 20);
    worker.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(await count(database, `select count(*)::int as n from background_jobs where status = 'COMPLETED'`)).toBe(20);
    expect(await count(database, `select count(*)::int as n from background_jobs where status = 'PENDING' and attempts = 0`)).toBe(20);
    expect(await count(database, `select count(*)::int as n from test_effects where step = 'slow-start'`)).toBe(20);
  });
});
