import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProviderHarness, type ProviderHarness, type Target } from '../helpers/provider-harness';
import { testDefinitions, testEvents } from '../fixtures/test-jobs';

interface JobData {
  started_at: Date | null;
  result: unknown;
  attempt_history: Array<{ attempt: number; startedAt: string; finishedAt: string; durationMs: number; outcome: string; error?: string }>;
}

// What the operators' views read, written by the hot statements themselves (claim, complete, fail, park, memo save).
describe.each(['local-pglite', 'local-postgres', 'bullmq'] as Target[])('attempt data: %s', (target) => {
  let harness: ProviderHarness;
  const isLocal = target.startsWith('local');

  beforeAll(async () => {
    harness = await createProviderHarness(target, testEvents, testDefinitions);
    await harness.provider.start();
  });
  afterAll(() => harness.close());

  const jobData = async (id: string) =>
    (
      await harness.database.handle.sql.query<JobData>('select started_at, result, attempt_history from background_jobs where id = $1', [
        await harness.rowId(id),
      ])
    )[0]!;

  it('records the result, each attempt and each step’s timing', async () => {
    const { ids } = await harness.client.dispatch({ name: 'test/steps', data: { key: randomUUID() } });
    await harness.waitForStatus(ids[0]!, 'COMPLETED');
    const job = await jobData(ids[0]!);
    expect(job.result).toEqual({ total: 3 });
    expect(job.started_at).not.toBeNull();
    // BullMQ runs retries itself (the anchor only records the error): its history holds the completing attempt.
    const expected = isLocal ? ['retry', 'completed'] : ['completed'];
    expect(job.attempt_history.map((entry) => entry.outcome)).toEqual(expected);
    const last = job.attempt_history.at(-1)!;
    expect(last.attempt).toBe(1);
    expect(last.durationMs).toBeGreaterThanOrEqual(0);
    expect(new Date(last.finishedAt).getTime()).toBeGreaterThanOrEqual(new Date(last.startedAt).getTime());
    if (isLocal) expect(job.attempt_history[0]).toMatchObject({ attempt: 0, outcome: 'retry', error: expect.stringContaining('step 2 fails') });
    const steps = await harness.database.handle.sql.query<{ step_id: string; started_at: Date | null; duration_ms: number | null }>(
      'select step_id, started_at, duration_ms from background_job_tasks where job_id = $1 order by step_id',
      [await harness.rowId(ids[0]!)],
    );
    expect(steps.map((step) => step.step_id)).toEqual(['step-1', 'step-2', 'step-3']);
    for (const step of steps) {
      expect(step.started_at).toBeInstanceOf(Date);
      expect(step.duration_ms).toBeGreaterThanOrEqual(0);
    }
  });

  it('records final failures with the error cut short', async () => {
    const { ids } = await harness.client.dispatch({ name: 'test/non-retriable', data: { key: randomUUID() } });
    await harness.waitForStatus(ids[0]!, 'FAILED');
    const job = await jobData(ids[0]!);
    expect(job.result).toBeNull();
    const last = job.attempt_history.at(-1)!;
    expect(last).toMatchObject({ attempt: 0, outcome: 'failed', error: expect.stringContaining('the input can never work') });
    expect(last.error!.length).toBeLessThanOrEqual(500);
  });

  it('records a sleep as an attempt that gave its slot back (local; BullMQ parks in Redis)', async () => {
    const { ids } = await harness.client.dispatch({ name: 'test/sleep', data: { key: randomUUID() } });
    await harness.waitForStatus(ids[0]!, 'COMPLETED');
    const job = await jobData(ids[0]!);
    expect(job.attempt_history.map((entry) => [entry.attempt, entry.outcome])).toEqual(
      isLocal
        ? [
            [0, 'sleep'],
            [0, 'completed'],
          ]
        : [[0, 'completed']],
    );
    expect(job.result).toBeNull();
  });
});
