import { randomUUID } from 'node:crypto';
import { sql as drizzleSql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/transaction-scope';
import { ValidationError } from '../../src/jobs/errors';
import { createProviderHarness, TARGETS, type ProviderHarness } from '../helpers/provider-harness';
import { waitFor } from '../helpers/wait-for';
import { record, testDefinitions, testEvents } from '../fixtures/test-jobs';

// The behavioural scenarios every provider must pass, written once. Where a provider differs by design the test
// says so and asserts the documented behaviour (README, "Providers").
describe.each(TARGETS)('conformance: %s', (target) => {
  let harness: ProviderHarness;
  const isLocal = target.startsWith('local');
  const key = () => randomUUID();

  beforeAll(async () => {
    harness = await createProviderHarness(target, testEvents, testDefinitions);
    await harness.provider.start();
  });
  afterAll(() => harness.close());

  it('retries a failed step without re-running completed ones', async () => {
    const k = key();
    const { ids } = await harness.client.dispatch({ name: 'test/steps', data: { key: k } });
    const job = await harness.waitForStatus(ids[0]!, ['COMPLETED', 'FAILED']);
    expect(job).toMatchObject({ status: 'COMPLETED', attempts: 2 });
    expect(record.steps.get(k)).toEqual(['step-1', 'step-2', 'step-2', 'step-3']);
    // Inngest replays the handler once per step, so it records the same attempt more than once.
    expect(new Set(record.attempts.get(k))).toEqual(new Set([0, 1]));
    if (!harness.memosInDatabase) return;
    const memos = await harness.database.handle.sql.query<{ step_id: string; status: string; output: unknown; attempts: number }>(
      'select step_id, status, output, attempts from background_job_tasks where job_id = $1 order by step_id',
      [await harness.rowId(ids[0]!)],
    );
    expect(memos).toEqual([
      { step_id: 'step-1', status: 'COMPLETED', output: { value: 1 }, attempts: 1 },
      { step_id: 'step-2', status: 'COMPLETED', output: 2, attempts: 2 },
      { step_id: 'step-3', status: 'COMPLETED', output: 3, attempts: 1 },
    ]);
  });

  // Thrown in the handler, or inside a step (on Inngest the handler then sees the step's replayed StepError).
  it.each([
    { where: 'in the handler', definitionId: 'non-retriable', message: 'NonRetriableError: the input can never work' },
    { where: 'inside a step', definitionId: 'non-retriable-step', message: 'the step can never work' },
  ])('fails a NonRetriableError thrown $where at once and reports it', async ({ definitionId, message }) => {
    const k = key();
    const { ids } = await harness.client.dispatch({ name: `test/${definitionId}`, data: { key: k } });
    const job = await harness.waitForStatus(ids[0]!, 'FAILED');
    expect(job.attempts).toBe(1);
    expect(job.last_error).toContain(message);
    // Inngest calls the handler again to replay the failed step: the same attempt, seen twice.
    expect(new Set(record.attempts.get(k))).toEqual(new Set([0]));
    const rowId = await harness.rowId(ids[0]!);
    const report = await waitFor(() => harness.failures.find((failure) => failure.jobId === rowId), { what: 'the failure report' });
    expect(report).toMatchObject({ definitionId, attempts: 1 });
  });

  it('fails an always-failing job after exactly 4 attempts with its error and stack stored', async () => {
    const k = key();
    const { ids } = await harness.client.dispatch({ name: 'test/always-fails', data: { key: k } });
    const job = await harness.waitForStatus(ids[0]!, 'FAILED');
    expect(job.attempts).toBe(4);
    expect(record.attempts.get(k)).toEqual([0, 1, 2, 3]);
    expect(job.last_error).toMatch(/Error: failure 3\n\s+at /);
    const rowId = await harness.rowId(ids[0]!);
    const report = await waitFor(() => harness.failures.find((failure) => failure.jobId === rowId));
    expect(report).toMatchObject({ definitionId: 'always-fails', attempts: 4 });
  });

  it('creates one job for a dedupe id dispatched twice, and returns the same id', async () => {
    const k = key();
    const first = await harness.client.dispatch({ name: 'test/noop', data: { key: k } }, { id: `dedupe-${k}` });
    const second = await harness.client.dispatch({ name: 'test/noop', data: { key: k } }, { id: `dedupe-${k}` });
    expect(second.ids).toEqual(first.ids);
    await harness.waitForStatus(first.ids[0]!, 'COMPLETED');
    expect(await harness.countJobs('noop', k)).toBe(1);
    expect(record.steps.get(k)).toEqual(['noop']);
  });

  it('enqueues inside a transaction: rolled back, no job; committed, one job (local only; others refuse clearly)', async () => {
    if (!isLocal) {
      expect(harness.provider.supportsTransactionalDispatch).toBe(false);
      await expect(
        inTransaction(harness.database.handle.db, (tx) => harness.client.dispatch({ name: 'test/noop', data: { key: key() } }, { tx })),
      ).rejects.toThrow('dispatch({ tx }) needs JOBS_PROVIDER=local');
      return;
    }
    const rolledBack = key();
    await expect(
      inTransaction(harness.database.handle.db, async (tx) => {
        await harness.client.dispatch({ name: 'test/noop', data: { key: rolledBack } }, { tx });
        await tx.db.execute(drizzleSql`insert into system_logs (level, source, message) values ('info', 'test', ${rolledBack})`);
        throw new Error('domain change failed');
      }),
    ).rejects.toThrow('domain change failed');
    const committed = key();
    const ids = await inTransaction(harness.database.handle.db, async (tx) => {
      const { ids } = await harness.client.dispatch({ name: 'test/noop', data: { key: committed } }, { tx });
      return ids;
    });
    await harness.waitForStatus(ids[0]!, 'COMPLETED');
    const orphans = await harness.database.handle.sql.query(`select 1 from background_jobs where payload->>'key' = $1`, [rolledBack]);
    const logs = await harness.database.handle.sql.query(`select 1 from system_logs where message = $1`, [rolledBack]);
    expect(orphans).toHaveLength(0);
    expect(logs).toHaveLength(0);
    expect(record.steps.get(rolledBack)).toBeUndefined();
  });

  it('parks a sleeping job without holding a slot, then resumes after its completed steps', async () => {
    const k = key();
    const { ids } = await harness.client.dispatch({ name: 'test/sleep', data: { key: k } });
    await waitFor(() => harness.isParked(ids[0]!), { what: 'the job to be parked' });
    expect(record.steps.get(k)).toEqual(['before']);
    const job = await harness.waitForStatus(ids[0]!, 'COMPLETED');
    expect(job.attempts).toBe(1);
    expect(record.steps.get(k)).toEqual(['before', 'after']);
  });

  it('sends events from a step exactly once, even when the job is retried', async () => {
    const k = key();
    const { ids } = await harness.client.dispatch({ name: 'test/send', data: { key: k } });
    const job = await harness.waitForStatus(ids[0]!, 'COMPLETED');
    expect(job.attempts).toBe(2);
    await waitFor(() => record.steps.get(k)?.length);
    expect(await harness.countJobs('noop', k)).toBe(1);
    expect(record.steps.get(k)).toEqual(['noop']);
  });

  it('honours a per-key concurrency limit', async () => {
    const k = key();
    await harness.client.dispatch(
      Array.from({ length: 24 }, (_, index) => ({ name: 'test/limited' as const, data: { key: k, group: `g${index % 2}` } })),
    );
    await waitFor(() => (record.steps.get(k)?.length ?? 0) === 24, { what: '24 limited jobs' });
    expect(record.maxInFlight.get(`${k}:g0`)).toBeLessThanOrEqual(2);
    expect(record.maxInFlight.get(`${k}:g1`)).toBeLessThanOrEqual(2);
    // Each group reaches the limit with 10 worker slots free, so the limit (not luck) is what held it at 2.
    // BullMQ (open source) has no per-key groups: it applies the limit to the whole definition, which is stricter.
    if (target !== 'bullmq') expect(record.maxInFlight.get(`${k}:g0`)).toBe(2);
  });

  it('hands every job of an event, on every attempt, the same event.id: the dispatched id, or one generated at dispatch', async () => {
    const given = key();
    const withId = await harness.client.dispatch({ name: 'test/identified', data: { key: given } }, { id: `event-${given}` });
    const generated = key();
    const withoutId = await harness.client.dispatch({ name: 'test/identified', data: { key: generated } });
    for (const id of [...withId.ids, ...withoutId.ids]) await harness.waitForStatus(id, 'COMPLETED');
    // Inngest answers with one id per event, not per job: wait for both jobs' attempts to be recorded too.
    const recorded = (k: string) => record.eventIds.get(k) ?? [];
    await waitFor(() =>
      [given, generated].every((k) => recorded(k).some((e) => e.startsWith('identified-b:')) && recorded(k).filter((e) => e.startsWith('identified-a:')).length >= 2),
    );
    const seen = (k: string) => {
      const entries = record.eventIds.get(k) ?? [];
      return { definitions: new Set(entries.map((entry) => entry.split(':')[0])), ids: new Set(entries.map((entry) => entry.slice(entry.indexOf(':') + 1))) };
    };
    // identified-a ran twice (its first attempt fails), identified-b once; all saw one id.
    expect(seen(given)).toEqual({ definitions: new Set(['identified-a', 'identified-b']), ids: new Set([`event-${given}`]) });
    const { definitions, ids } = seen(generated);
    expect(definitions).toEqual(new Set(['identified-a', 'identified-b']));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses an unknown event or bad data with the failing fields, inserting nothing', async () => {
    const before = await harness.database.handle.sql.query<{ n: number }>('select count(*)::int as n from background_jobs');
    const unknown = harness.client.dispatch({ name: 'test/nope', data: {} } as never);
    await expect(unknown).rejects.toBeInstanceOf(ValidationError);
    await expect(unknown).rejects.toMatchObject({ issues: [{ path: 'name', message: 'unknown event "test/nope"' }] });
    const batch = harness.client.dispatch([
      { name: 'test/validated', data: { email: 'a@example.com', count: 1 } },
      { name: 'test/validated', data: { email: 'not-an-email', count: -1 } },
    ] as never);
    await expect(batch).rejects.toMatchObject({ issues: [{ path: '1.data.email' }, { path: '1.data.count' }] });
    const after = await harness.database.handle.sql.query<{ n: number }>('select count(*)::int as n from background_jobs');
    expect(after[0]!.n).toBe(before[0]!.n);
  });
});
