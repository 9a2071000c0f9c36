// A worker whose shutdown timeout ends while a job is still busy with the database: the job is released back to
// PENDING and runs again later, and the released run's late writes (its step's failure, its outcome) are not
// attempted on the closed pool, so no error line "Cannot use a pool after calling end on the pool" appears.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JobClient } from '../../src/jobs/client';
import { defineEvent } from '../../src/jobs/event-type';
import { defineJob } from '../../src/jobs/define';
import { JobRegistry } from '../../src/jobs/registry';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startChildWorker, type ChildWorker } from '../helpers/child-worker';
import { testLocalProvider } from '../helpers/local-provider';
import { waitFor } from '../helpers/wait-for';

const queryLoop = defineEvent('test/query-loop', z.object({ queries: z.number(), sleepMs: z.number() }));
// The dispatching side needs the event and the definition id only; the child processes run the job.
const registry = new JobRegistry([queryLoop], [defineJob({ id: 'query-loop', trigger: { event: queryLoop } }, async () => {})]);

describe('shutdown timeout with a job still running', () => {
  let database: TestDatabase;
  let client: JobClient;
  const workers: ChildWorker[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    await database.handle.sql.query('create table test_effects (job_id text not null, step text not null, pid int not null)');
    client = new JobClient(registry, testLocalProvider(database.handle, registry));
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) {
      worker.kill('SIGKILL');
      await worker.exited;
    }
  });
  afterAll(() => database.drop());

  const effects = async (jobId: string, step: string) =>
    (await database.handle.sql.query<{ n: number }>('select count(*)::int as n from test_effects where job_id = $1 and step = $2', [jobId, step]))[0]!.n;

  it('releases the job to PENDING without error lines, and it runs exactly once more on the next worker', async () => {
    const first = await startChildWorker(database.url, { log: true, shutdownTimeoutMs: 300, leaseMs: 5000 });
    workers.push(first);
    // 40 queries of 50 ms: about 2 s of work, far past the 300 ms the shutdown allows.
    const { ids } = await client.dispatch({ name: 'test/query-loop', data: { queries: 40, sleepMs: 50 } });
    const jobId = ids[0]!;
    await waitFor(() => effects(jobId, 'loop-start').then((n) => n === 1), { what: 'the job to start' });
    first.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });

    const lines = first.output().split('\n').filter(Boolean);
    expect(first.output()).not.toContain('Cannot use a pool');
    const errors = lines.filter((line) => line !== 'ready' && (!line.startsWith('{') || (JSON.parse(line) as { level: number }).level >= 50));
    expect(errors).toEqual([]);
    expect(lines.some((line) => line.includes('released running jobs back to the queue'))).toBe(true);
    const [released] = await database.handle.sql.query<{ status: string; attempts: number }>('select status, attempts from background_jobs where id = $1', [jobId]);
    expect(released).toEqual({ status: 'PENDING', attempts: 0 });
    expect(await effects(jobId, 'loop-done')).toBe(0);

    const second = await startChildWorker(database.url, { shutdownTimeoutMs: 10_000 });
    workers.push(second);
    await waitFor(
      async () => (await database.handle.sql.query<{ status: string }>('select status from background_jobs where id = $1', [jobId]))[0]?.status === 'COMPLETED',
      { what: 'the released job to complete on the next worker' },
    );
    expect(await effects(jobId, 'loop-start')).toBe(2);
    expect(await effects(jobId, 'loop-done')).toBe(1);
    const [memo] = await database.handle.sql.query<{ status: string; attempts: number }>(
      `select status, attempts from background_job_tasks where job_id = $1 and step_id = 'work'`,
      [jobId],
    );
    // The released run recorded nothing for the step: the one memo is the second run's success.
    expect(memo).toEqual({ status: 'COMPLETED', attempts: 1 });
  });
});
