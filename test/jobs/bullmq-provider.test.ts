// BullMQ-specific behaviour with real Redis and real worker processes: stalled-job recovery after SIGKILL, and
// job-scheduler cron slots running once across several workers.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JobClient } from '../../src/jobs/client';
import { defineEvent } from '../../src/jobs/event-type';
import { defineJob, type JobDefinition } from '../../src/jobs/define';
import { JobRegistry } from '../../src/jobs/registry';
import { BullmqProvider } from '../../src/jobs/providers/bullmq/bullmq-provider';
import { anchorKey } from '../../src/jobs/providers/bullmq/anchor';
import { silentLogger } from '../../src/jobs/logger';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startChildWorker, type ChildWorker } from '../helpers/child-worker';
import { redisUrl } from '../helpers/services';
import { waitFor } from '../helpers/wait-for';

const effectsEvent = defineEvent('test/effects', z.object({ n: z.number() }));

describe('BullMQ provider', () => {
  let database: TestDatabase;
  const workers: ChildWorker[] = [];
  const providers: BullmqProvider[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    await database.handle.sql.query(`create table test_effects (job_id text not null, step text not null, pid int not null)`);
  });
  afterAll(async () => {
    for (const worker of workers) {
      worker.kill('SIGKILL');
      await worker.exited;
    }
    for (const provider of providers) await provider.stop({ timeoutMs: 1000 });
    await database.drop();
  });

  function producer(prefix: string, definitions: JobDefinition<never>[] = [defineJob({ id: 'effects', trigger: { event: effectsEvent } }, async () => {})]) {
    const provider = new BullmqProvider({
      redisUrl: redisUrl(),
      prefix,
      concurrency: 5,
      database: database.handle,
      registry: new JobRegistry([effectsEvent], definitions),
      logger: silentLogger,
      onFailure: async () => {},
      lockDurationMs: 1000,
      retentionDays: 1,
    });
    providers.push(provider);
    return provider;
  }

  it('hands a stalled job (worker SIGKILLed mid-step) to another worker without re-running completed steps', async () => {
    const prefix = `test-${randomBytes(4).toString('hex')}`;
    const bullmq = { redisUrl: redisUrl(), prefix };
    const doomed = await startChildWorker(database.url, { bullmq, hangInStep2: true, leaseMs: 1000 });
    workers.push(doomed);
    const client = new JobClient(new JobRegistry([effectsEvent], []), producer(prefix));
    const [dispatched] = (await client.dispatch({ name: 'test/effects', data: { n: 1 } })).ids;
    const [queue, jobId] = dispatched!.split('/') as [string, string];
    const anchorId = await waitFor(async () => {
      const rows = await database.handle.sql.query<{ id: string }>('select id::text as id from background_jobs where dedupe_key = $1', [anchorKey(queue, jobId)]);
      return rows[0]?.id;
    });
    // Handlers see BullMQ's stable id, which is what the fixture keys its effect rows by.
    const effects = () =>
      database.handle.sql.query<{ step: string; pid: number }>('select step, pid from test_effects where job_id = $1', [`bullmq:${queue}/${jobId}`]);
    await waitFor(async () => (await effects()).some((row) => row.step === 'step-2-start'));
    doomed.kill('SIGKILL');
    await doomed.exited;

    const rescuer = await startChildWorker(database.url, { bullmq, leaseMs: 1000 });
    workers.push(rescuer);
    await waitFor(async () => {
      const rows = await database.handle.sql.query<{ status: string }>('select status from background_jobs where id = $1', [anchorId]);
      return rows[0]?.status === 'COMPLETED';
    }, { timeoutMs: 30_000, what: 'the stalled job to complete on the rescuer' });
    const steps = (await effects()).map((row) => row.step).sort();
    expect(steps).toEqual(['step-1', 'step-2', 'step-2-start', 'step-2-start', 'step-3']);
    expect((await effects()).find((row) => row.step === 'step-1')!.pid).toBe(doomed.process.pid);
  });

  it('runs each cron slot once across two workers sharing the job scheduler', async () => {
    const prefix = `test-${randomBytes(4).toString('hex')}`;
    const slots: string[] = [];
    const everySecond = defineJob({ id: 'every-second', trigger: { cron: '* * * * * *' } }, async ({ event }) => {
      slots.push(event.data.scheduledFor);
    });
    const first = producer(prefix, [everySecond]);
    const second = producer(prefix, [everySecond]);
    await Promise.all([first.start(), second.start()]);
    await waitFor(() => slots.length >= 4, { timeoutMs: 20_000, what: 'four cron slots' });
    await Promise.all([first.stop({ timeoutMs: 2000 }), second.stop({ timeoutMs: 2000 })]);
    expect(new Set(slots).size).toBe(slots.length);
    for (const slot of slots) expect(slot).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
  });
});
