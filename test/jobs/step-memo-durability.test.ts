// A step's memo is committed before the job's next step starts; the job's last memo is written after its handler
// returns, with the worker slot already free, and the job is COMPLETED only once that memo is committed. Commits are
// held back for real: another connection holds a SHARE lock on background_job_tasks, so memo INSERTs wait on it
// (pg_stat_activity shows them waiting) while reads go on. While a job waits for its memo it lends its worker slot
// (worker-slots.ts); a worker holds at most 8 jobs per slot. PostgreSQL only: PGlite has one connection.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JobClient } from '../../src/jobs/client';
import { defineJob } from '../../src/jobs/define';
import { defineEvent } from '../../src/jobs/event-type';
import type { JobLogger } from '../../src/jobs/logger';
import type { LocalProvider } from '../../src/jobs/providers/local/local-provider';
import { JobRegistry } from '../../src/jobs/registry';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { testLocalProvider } from '../helpers/local-provider';
import { waitFor } from '../helpers/wait-for';

const stepsEvent = defineEvent('durability/steps', z.object({}));
const otherEvent = defineEvent('durability/other', z.object({}));
const twoStepsEvent = defineEvent('durability/two-steps', z.object({}));

describe('step memo durability (PostgreSQL)', () => {
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

  /** Runs the three-step job and a one-step job on a worker at concurrency 1; `beforeThird` runs inside step three. */
  async function start(beforeThird: () => Promise<void> = async () => {}, { otherJobNow = true } = {}) {
    const events: string[] = [];
    const warnings: string[] = [];
    const logger: JobLogger = {
      info() {},
      debug() {},
      error() {},
      warn: (_object, message) => void warnings.push(message ?? ''),
      child: () => logger,
    };
    const definitions = [
      defineJob({ id: 'three-steps', trigger: { event: stepsEvent } }, async ({ step }) => {
        await step.run('one', () => void events.push('one'));
        await step.run('two', () => void events.push('two'));
        await step.run('three', async () => {
          events.push('three');
          await beforeThird();
        });
        events.push('handler returned');
      }),
      defineJob({ id: 'other', trigger: { event: otherEvent } }, async () => void events.push('other job started')),
    ];
    database = await createTestDatabase('postgres');
    locker = new pg.Client(database.url);
    await locker.connect();
    const registry = new JobRegistry([stepsEvent, otherEvent], definitions);
    provider = testLocalProvider(database.handle, registry, { concurrency: 1, leaseMs: 30_000, logger });
    const client = new JobClient<Record<string, unknown>>(registry, provider);
    const {
      ids: [jobId],
    } = await client.dispatch({ name: 'durability/steps', data: {} });
    const dispatchOther = () => client.dispatch({ name: 'durability/other', data: {} });
    if (otherJobNow) await dispatchOther();
    return { events, warnings, jobId: jobId!, dispatchOther };
  }

  const holdMemoCommits = () => locker!.query('begin; lock table background_job_tasks in share mode');
  const releaseMemoCommits = () => locker!.query('commit');
  const memoInsertWaiting = async () => {
    const rows = await database!.handle.sql.query<{ waiting: boolean }>(
      `select exists (select 1 from pg_stat_activity
                       where datname = current_database() and wait_event_type = 'Lock'
                         and query ilike '%insert into background_job_tasks%') as waiting`,
    );
    return rows[0]!.waiting;
  };
  const jobRow = async (id: string) =>
    (await database!.handle.sql.query<{ status: string; memos: number }>(
      `select status, (select count(*)::int from background_job_tasks t where t.job_id = j.id and t.status = 'COMPLETED') as memos
         from background_jobs j where id = $1`,
      [id],
    ))[0]!;

  /** Starts the worker; resolves once step three runs with memo commits held back (its memo cannot commit yet). */
  async function startHoldingTheLastMemo(options?: { otherJobNow: boolean }) {
    let lockHeld: () => void = () => {};
    const heldInStepThree = new Promise<void>((resolve) => (lockHeld = resolve));
    const started = await start(async () => {
      await holdMemoCommits();
      lockHeld();
    }, options);
    await provider!.start();
    await heldInStepThree;
    return started;
  }

  it('does not start a step until the memo of the step before it is committed, and lends the slot meanwhile', async () => {
    const { events, jobId } = await start();
    await holdMemoCommits();
    await provider!.start();
    await waitFor(memoInsertWaiting, { what: "step one's memo waiting on the lock" });
    // Concurrency 1: the other job can only start in the slot the three-step job lent while its memo waits
    // (worker-slots.ts); step two does not start until that memo is committed.
    await waitFor(() => events.includes('other job started'), { what: 'the other job to start in the lent slot' });
    expect(events).toEqual(['one', 'other job started']);
    expect(await memoInsertWaiting()).toBe(true);
    await releaseMemoCommits();
    await waitFor(async () => (await jobRow(jobId)).status === 'COMPLETED', { what: 'the job to complete' });
    expect(events).toEqual(['one', 'other job started', 'two', 'three', 'handler returned']);
    expect(await jobRow(jobId)).toEqual({ status: 'COMPLETED', memos: 3 });
  });

  it('frees the slot while the last memo commits, and records COMPLETED only once it is committed', async () => {
    const { events, jobId, dispatchOther } = await startHoldingTheLastMemo({ otherJobNow: false });
    await waitFor(memoInsertWaiting, { what: "step three's memo waiting on the lock" });
    // Concurrency 1: a job sent now can only start once the three-step job's slot is free, while its memo waits.
    await dispatchOther();
    await waitFor(() => events.includes('other job started'), { what: 'the other job to start' });
    expect(await memoInsertWaiting()).toBe(true);
    expect(await jobRow(jobId)).toEqual({ status: 'PROCESSING', memos: 2 });
    await releaseMemoCommits();
    await waitFor(async () => (await jobRow(jobId)).status === 'COMPLETED', { what: 'the job to complete' });
    expect(await jobRow(jobId)).toEqual({ status: 'COMPLETED', memos: 3 });
  });

  it('leaves a job whose lease was lost before its last memo was written to its new holder', async () => {
    const { warnings, jobId } = await startHoldingTheLastMemo();
    await waitFor(memoInsertWaiting, { what: "step three's memo waiting on the lock" });
    // Another worker took the job over meanwhile (a new lock token): this run's memo and completion are refused.
    await database!.handle.sql.query(`update background_jobs set lock_token = gen_random_uuid() where id = $1`, [jobId]);
    await releaseMemoCommits();
    await waitFor(() => warnings.some((message) => message.includes('lease was lost')), {
      what: 'the lease-lost warning',
    });
    await provider!.stop({ timeoutMs: 2000 });
    expect(await jobRow(jobId)).toEqual({ status: 'PROCESSING', memos: 2 });
  });

  it('fails the attempt with the database error when a memo cannot be written, and runs no step after it', async () => {
    const events: string[] = [];
    // jsonb refuses NUL in an object key: the memo of a step returning one can never be written.
    const unstorable = { 'bad\u0000key': 1 };
    const definitions = [
      defineJob({ id: 'middle', trigger: { event: stepsEvent }, retries: 0 }, async ({ step }) => {
        await step.run('one', () => unstorable);
        await step.run('two', () => void events.push('middle: two'));
      }),
      defineJob({ id: 'last', trigger: { event: otherEvent }, retries: 0 }, async ({ step }) => {
        await step.run('one', () => void events.push('last: one'));
        await step.run('two', () => unstorable);
      }),
    ];
    database = await createTestDatabase('postgres');
    const registry = new JobRegistry([stepsEvent, otherEvent], definitions);
    provider = testLocalProvider(database.handle, registry, { concurrency: 2, leaseMs: 30_000 });
    const client = new JobClient<Record<string, unknown>>(registry, provider);
    const { ids } = await client.dispatch([
      { name: 'durability/steps', data: {} },
      { name: 'durability/other', data: {} },
    ]);
    await provider.start();
    const finished = () =>
      database!.handle.sql.query<{ status: string; last_error: string | null }>(
        `select status, last_error from background_jobs where id = any($1::bigint[]) order by id`,
        [ids],
      );
    await waitFor(async () => (await finished()).every((row) => row.status === 'FAILED'), { what: 'both jobs to fail' });
    for (const row of await finished()) expect(row.last_error).toMatch(/unsupported Unicode escape sequence|\\u0000/);
    expect(events.sort()).toEqual(['last: one']);
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
      [twoStepsEvent],
      [
        defineJob({ id: 'two-steps', trigger: { event: twoStepsEvent } }, async ({ step }) => {
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
    await holdMemoCommits();
    provider = testLocalProvider(database.handle, registry, { concurrency: 2, leaseMs: 30_000, pollIntervalMs });
    const client = new JobClient<Record<string, unknown>>(registry, provider);
    await client.dispatch(Array.from({ length: 30 }, () => ({ name: 'durability/two-steps', data: {} })));
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

    await releaseMemoCommits();
    await waitFor(
      async () => (await database!.handle.sql.query<{ n: number }>(`select count(*)::int as n from background_jobs where status = 'COMPLETED'`))[0]!.n === 30,
      { what: 'all 30 jobs to complete' },
    );
    const memos = await database.handle.sql.query<{ n: number }>(`select count(*)::int as n from background_job_tasks where status = 'COMPLETED'`);
    expect(memos[0]!.n).toBe(60);
    expect(mostRunning).toBe(2);
  });
});
