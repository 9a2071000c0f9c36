import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/jobs/errors';
import { createProviderHarness, TARGETS, type ProviderHarness } from '../helpers/provider-harness';
import { waitFor } from '../helpers/wait-for';
import { record, testDefinitions, testEvents } from '../fixtures/test-jobs';

// Priority and cancelOn, written once for every provider (issue 11, parts 2 and 4). The local provider orders its
// claim and cancels in SQL; BullMQ through its own priority option and job removal; Inngest evaluates the
// function's priority.run and cancelOn itself (here the fake executor, which plays those documented rules).
describe.each(TARGETS)('scheduling conformance: %s', (target) => {
  let harness: ProviderHarness;
  const key = () => randomUUID();

  beforeAll(async () => {
    harness = await createProviderHarness(target, testEvents, testDefinitions);
    await harness.provider.start();
  });
  afterAll(() => harness.close());

  it('runs a backlog higher priority first, whatever order it was dispatched in', async () => {
    const k = key();
    let open!: () => void;
    record.gates.set(k, new Promise<void>((resolve) => (open = resolve)));
    const gate = await harness.client.dispatch({ name: 'test/prioritized', data: { key: k, label: 'gate', gate: true } });
    await waitFor(() => record.steps.get(k)?.includes('gate'), { what: 'the gate job to hold the only slot' });
    // Dispatched lowest first: run_at order alone would run them low, default, high.
    const low = await harness.client.dispatch({ name: 'test/prioritized', data: { key: k, label: 'low' } }, { priority: -10 });
    const normal = await harness.client.dispatch({ name: 'test/prioritized', data: { key: k, label: 'default' } });
    const high = await harness.client.dispatch({ name: 'test/prioritized', data: { key: k, label: 'high' } }, { priority: 50 });
    open();
    for (const { ids } of [gate, low, normal, high]) await harness.waitForStatus(ids[0]!, 'COMPLETED');
    expect(record.steps.get(k)).toEqual(['gate', 'high', 'default', 'low']);
  });

  it('refuses a priority outside -600…600 with a ValidationError naming the field, enqueuing nothing', async () => {
    const k = key();
    const attempt = harness.client.dispatch({ name: 'test/noop', data: { key: k } }, { priority: 601 });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ issues: [{ path: 'priority' }] });
    await expect(harness.client.dispatch({ name: 'test/noop', data: { key: k } }, { priority: 1.5 })).rejects.toBeInstanceOf(ValidationError);
    expect(await harness.countJobs('noop', k)).toBe(0);
  });

  it('cancels a sleeping job when a matching cancelOn event arrives, and leaves other documents alone', async () => {
    const [doomed, spared] = [key(), key()];
    const [doomedDocument, sparedDocument] = [randomUUID(), randomUUID()];
    const a = await harness.client.dispatch({ name: 'test/cancellable', data: { key: doomed, documentId: doomedDocument, nap: '1h' } });
    const b = await harness.client.dispatch({ name: 'test/cancellable', data: { key: spared, documentId: sparedDocument, nap: '1h' } });
    await waitFor(async () => (await harness.isParked(a.ids[0]!)) && (await harness.isParked(b.ids[0]!)), { what: 'both jobs to be asleep' });

    await harness.client.dispatch({ name: 'test/cancel-it', data: { documentId: doomedDocument } });

    await harness.waitForStatus(a.ids[0]!, 'CANCELLED');
    expect(record.steps.get(doomed)).toEqual(['before']);
    expect(await harness.isParked(b.ids[0]!)).toBe(true);
    expect((await harness.jobStatus(b.ids[0]!)).status).not.toBe('CANCELLED');
    if (!harness.memosInDatabase) return;
    const [row] = await harness.database.handle.sql.query<{ cancel_reason: string; completed_at: Date | null }>(
      'select cancel_reason, completed_at from background_jobs where id = $1',
      [await harness.rowId(a.ids[0]!)],
    );
    expect(row?.cancel_reason).toContain('cancelOn test/cancel-it');
    expect(row?.completed_at).not.toBeNull();
  });

  it('throttles 30 jobs at 10 per second: they take at least 2 s and no second holds more than 10 starts', async () => {
    const k = key();
    const dispatchedAt = Date.now();
    const { ids } = await harness.client.dispatch(Array.from({ length: 30 }, () => ({ name: 'test/throttled', data: { key: k } })));
    for (const id of ids) await harness.waitForStatus(id, 'COMPLETED');
    const handlerStarts = record.starts.get(k)!.sort((a, b) => a - b);
    expect(handlerStarts).toHaveLength(30);
    // Three windows of 10: the third opens a full period after the second, which opens a period after the first.
    expect(handlerStarts.at(-1)! - dispatchedAt).toBeGreaterThanOrEqual(2000);
    // Counted on the provider's own start times: a handler runs some milliseconds after its start (a claim's
    // round trip, an HTTP call on Inngest), and that delay is no part of what the throttle promises.
    const starts = await harness.startTimes(ids);
    expect(starts.filter(Number.isFinite)).toHaveLength(30);
    expect(maxInWindow(starts, 1000)).toBeLessThanOrEqual(10);
  });

  it('rate-limits per key: events past 3 per minute of a group create no job, other groups are counted apart', async () => {
    const [a, b] = [key(), key()];
    for (let i = 0; i < 5; i++) await harness.client.dispatch({ name: 'test/rate-limited', data: { key: a, group: `g-${a}` } });
    await harness.client.dispatch([1, 2].map(() => ({ name: 'test/rate-limited', data: { key: b, group: `g-${b}` } })));
    await waitFor(() => record.steps.get(a)?.length === 3 && record.steps.get(b)?.length === 2, { what: '3 jobs of group a and 2 of b to run' });
    expect(await harness.countJobs('rate-limited', a)).toBe(3);
    expect(await harness.countJobs('rate-limited', b)).toBe(2);
  });
});

/** The most entries of sorted `times` inside any window [t, t + widthMs). */
function maxInWindow(times: readonly number[], widthMs: number): number {
  let most = 0;
  for (let first = 0, last = 0; first < times.length; first++) {
    while (last < times.length && times[last]! < times[first]! + widthMs) last++;
    most = Math.max(most, last - first);
  }
  return most;
}

