// A worker's slots count job code running, not jobs in progress (worker-slots.ts): a job waiting for its memo's
// commit between steps lends its slot, the worker holds at most 8 jobs per slot, and code never runs in more slots
// than the worker has. Memo commits are held back for real with a SHARE lock on background_job_tasks, as in
// step-memo-durability.test.ts. PostgreSQL only: PGlite has one connection, so nothing can hold the lock.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JobClient } from '../../src/jobs/client';
import { defineJob } from '../../src/jobs/define';
import { defineEvent } from '../../src/jobs/event-type';
import type { LocalProvider } from '../../src/jobs/providers/local/local-provider';
import { WorkerSlots } from '../../src/jobs/providers/local/worker-slots';
import { JobRegistry } from '../../src/jobs/registry';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { testLocalProvider } from '../helpers/local-provider';
import { waitFor } from '../helpers/wait-for';

const twoSteps = defineEvent('slots/two-steps', z.object({}));

describe('worker slots (PostgreSQL)', () => {
  let database: TestDatabase | undefined;
  let provider: LocalProvider | undefined;
  let locker: pg.Client | undefined;
  afterEach(async () => {
    await locker?.query('rollback').catch(() => {});
    await locker?.end();
    await provider?.stop({ timeoutMs: 2000 });
    await database?.drop();
    locker = provider = database = undefined;
  });

  it('holds at most 8 jobs per slot while their memos wait, and never runs code in more slots than it has', async () => {
    const pollIntervalMs = 100;
    let running = 0;
    let mostRunning = 0;
    let firstSteps = 0;
    // Each step yields to the event loop while it counts as running, so code of two jobs could overlap if allowed.
    const work = async () => {
      running += 1;
      mostRunning = Math.max(mostRunning, running);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
    };
    const registry = new JobRegistry(
      [twoSteps],
      [
        defineJob({ id: 'two-steps', trigger: { event: twoSteps } }, async ({ step }) => {
          await step.run('one', async () => {
            firstSteps += 1;
            await work();
          });
          await step.run('two', work);
        }),
      ],
    );
    database = await createTestDatabase('postgres');
    locker = new pg.Client(database.url);
    await locker.connect();
    await locker.query('begin; lock table background_job_tasks in share mode');
    provider = testLocalProvider(database.handle, registry, { concurrency: 2, leaseMs: 30_000, pollIntervalMs });
    const client = new JobClient<Record<string, unknown>>(registry, provider);
    await client.dispatch(Array.from({ length: 30 }, () => ({ name: 'slots/two-steps', data: {} })));
    await provider.start();

    await waitFor(() => firstSteps === 16, { what: '16 jobs (8 per slot) to run step one and wait for its memo' });
    // Nothing announces that a 17th job was not claimed: give the worker three polls (each one a claim) to take one.
    await new Promise((resolve) => setTimeout(resolve, 3 * pollIntervalMs));
    expect(firstSteps).toBe(16);
    const statuses = await database.handle.sql.query<{ status: string; n: number }>(
      `select status, count(*)::int as n from background_jobs group by status order by status`,
    );
    expect(statuses).toEqual([
      { status: 'PENDING', n: 14 },
      { status: 'PROCESSING', n: 16 },
    ]);

    await locker.query('commit');
    await waitFor(
      async () => (await database!.handle.sql.query<{ n: number }>(`select count(*)::int as n from background_jobs where status = 'COMPLETED'`))[0]!.n === 30,
      { what: 'all 30 jobs to complete' },
    );
    const memos = await database.handle.sql.query<{ n: number }>(`select count(*)::int as n from background_job_tasks where status = 'COMPLETED'`);
    expect(memos[0]!.n).toBe(60);
    expect(mostRunning).toBe(2);
  });
});

describe('WorkerSlots', () => {
  it('gives a freed slot to a job resuming after its memo before any job not yet started', async () => {
    const order: string[] = [];
    const slots = new WorkerSlots(1, () => order.push('free for a new job'));
    expect(slots.tryTake()).toBe(true);
    let memoWritten: () => void = () => {};
    const resumed = slots.lendWhile(new Promise<void>((resolve) => (memoWritten = resolve))).then(() => order.push('resumed'));
    // Lent: a new job may take the slot while the memo is written.
    expect(slots.tryTake()).toBe(true);
    memoWritten();
    await new Promise((resolve) => setImmediate(resolve));
    // The slot is still the new job's: the resuming job waits, and no other new job may jump ahead of it.
    expect(order).toEqual(['free for a new job']);
    expect(slots.tryTake()).toBe(false);
    slots.give();
    await resumed;
    expect(order).toEqual(['free for a new job', 'resumed']);
    expect(slots.inUse).toBe(1);
    slots.give();
    expect(slots.inUse).toBe(0);
  });

  it('takes the slot back at once when one is free, and after a wait that failed too', async () => {
    const slots = new WorkerSlots(2, () => {});
    expect(slots.tryTake()).toBe(true);
    await slots.lendWhile(Promise.resolve());
    expect(slots.inUse).toBe(1);
    await expect(slots.lendWhile(Promise.reject(new Error('memo refused')))).rejects.toThrow('memo refused');
    expect(slots.inUse).toBe(1);
  });
});
