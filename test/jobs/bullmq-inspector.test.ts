import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob, type JobDefinition } from '../../src/jobs/define';
import { defineEvent } from '../../src/jobs/event-type';
import type { BullmqProvider } from '../../src/jobs/providers/bullmq/bullmq-provider';
import type { JobInspector } from '../../src/jobs/providers/inspection';
import { createProviderHarness, type ProviderHarness } from '../helpers/provider-harness';
import { redisUrl } from '../helpers/services';
import { echo, failing, flaky, inspectorDefinitions, nul, prepared } from '../fixtures/inspector-jobs';

// A job that runs until the test lets it finish: an active job whose lock the health test can take away.
const held = defineEvent('inspect/held', z.object({}));
let releaseHeld: () => void = () => {};
const heldUntilReleased = new Promise<void>((resolve) => (releaseHeld = resolve));
const heldDefinition = defineJob({ id: 'inspect-held', trigger: { event: held }, retries: 0 }, () => heldUntilReleased) as JobDefinition<never>;

// The same contract as the local inspector, through BullMQ's Queue API plus the anchor rows (steps, cancellations).
describe('BullMQ inspector', () => {
  let harness: ProviderHarness;
  let inspector: JobInspector;

  beforeAll(async () => {
    harness = await createProviderHarness(
      'bullmq',
      [echo, flaky, nul, held],
      // Without the every-minute cron job: its scheduler's jobs would come and go under the counts asserted here.
      [...inspectorDefinitions.filter((definition) => definition.id !== 'inspect-cron'), heldDefinition],
    );
    inspector = harness.provider.inspector!;
    await harness.provider.start();
  });
  afterAll(async () => {
    releaseHeld();
    await harness.close();
  });

  const dispatch = async (name: 'inspect/echo' | 'inspect/flaky', data: Record<string, unknown>, options: { delay?: string } = {}) =>
    (await harness.client.dispatch({ name, data } as never, options as never)).ids[0]!;

  it('shows a finished job with its result, its steps from the anchor and a redacted payload', async () => {
    const ref = randomUUID();
    const id = await dispatch('inspect/echo', { ref, password: 'secret-value' });
    await harness.waitForStatus(id, 'COMPLETED');
    const job = (await inspector.get(id))!;
    expect(job).toMatchObject({
      id,
      definition: 'inspect-echo',
      eventName: 'inspect/echo',
      status: 'COMPLETED',
      result: { echo: ref, first: ref.length },
      payload: { ref, password: '[redacted]' },
      lastError: null,
    });
    expect(job.durationMs).toBeGreaterThanOrEqual(0);
    expect(job.steps).toEqual([expect.objectContaining({ id: 'first', status: 'COMPLETED', output: ref.length })]);
    expect(await inspector.get('inspect-echo/no-such-job')).toBeUndefined();
    expect(await inspector.get('unknown-definition/1')).toBeUndefined();
  });

  it('lists newest first across queues in pages that miss and repeat nothing', async () => {
    const key = randomUUID();
    const ids = [];
    for (let index = 0; index < 7; index++) ids.push(await dispatch(index % 2 ? 'inspect/flaky' : 'inspect/echo', index % 2 ? { key: `${key}-${index}` } : { ref: `${key}-${index}` }));
    await Promise.all(ids.map((id) => harness.waitForStatus(id, 'COMPLETED')));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await inspector.list({ status: 'COMPLETED' }, { limit: 3, cursor });
      seen.push(...page.jobs.map((job) => job.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(ids));
    expect(seen.slice(0, 7).sort()).toEqual([...ids].sort());
    const onlyShaky = await inspector.list({ definition: 'inspect-flaky' }, { limit: 50 });
    expect(onlyShaky.jobs.every((job) => job.definition === 'inspect-flaky')).toBe(true);
    expect((await inspector.list({ id: ids[2]! }, { limit: 5 })).jobs.map((job) => job.id)).toEqual([ids[2]]);
    await expect(inspector.list({}, { limit: 5, cursor: 'not-a-cursor' })).rejects.toThrow(/Invalid cursor/);
  });

  it('retries a failed job, its completed step still memoized, and retries failed jobs in bulk', async () => {
    const key = randomUUID();
    failing.add(key);
    const id = await dispatch('inspect/flaky', { key });
    await harness.waitForStatus(id, 'FAILED');
    expect((await inspector.list({ status: 'FAILED', definition: 'inspect-flaky' }, { limit: 50 })).jobs.map((job) => job.id)).toContain(id);
    expect((await inspector.get(id))!.lastError).toContain(`flaky ${key}`);
    failing.delete(key);
    expect(await inspector.retry(id)).toBe('retried');
    await harness.waitForStatus(id, 'COMPLETED');
    expect(prepared.get(key)).toBe(1);
    expect(await inspector.retry(id)).toBe('not-failed');

    const since = new Date();
    const keys = [randomUUID(), randomUUID()];
    for (const each of keys) failing.add(each);
    const failed = await Promise.all(keys.map((each) => dispatch('inspect/flaky', { key: each })));
    await Promise.all(failed.map((each) => harness.waitForStatus(each, 'FAILED')));
    for (const each of keys) failing.delete(each);
    const progress: number[] = [];
    expect(await inspector.retryFailed({ definition: 'inspect-flaky', createdSince: since }, (done) => progress.push(done))).toEqual({ retried: 2 });
    expect(progress.at(-1)).toBe(2);
    await Promise.all(failed.map((each) => harness.waitForStatus(each, 'COMPLETED')));
  });

  it('replays a completed job as a new one with the same payload', async () => {
    const ref = randomUUID();
    const id = await dispatch('inspect/echo', { ref });
    await harness.waitForStatus(id, 'COMPLETED');
    const replay = await inspector.replay(id);
    expect(replay).toMatchObject({ replayed: true });
    const newId = (replay as { jobId: string }).jobId;
    expect(newId).not.toBe(id);
    await harness.waitForStatus(newId, 'COMPLETED');
    expect((await inspector.get(newId))!.result).toEqual({ echo: ref, first: ref.length });
    expect(await inspector.replay('inspect-echo/none')).toEqual({ replayed: false, reason: 'not-found' });
  });

  it('cancels a delayed job with the reason, kept on its anchor once BullMQ has forgotten it', async () => {
    const id = await dispatch('inspect/echo', { ref: randomUUID() }, { delay: '1h' });
    expect((await inspector.list({ status: 'PENDING' }, { limit: 50 })).jobs.map((job) => job.id)).toContain(id);
    expect(await inspector.cancel(id, 'admin:ops — sent twice')).toBe('cancelled');
    expect(await inspector.get(id)).toMatchObject({ status: 'CANCELLED', cancelReason: 'admin:ops — sent twice' });
    expect((await inspector.list({ status: 'CANCELLED' }, { limit: 50 })).jobs.map((job) => job.id)).toContain(id);
    expect(await inspector.cancel(id, 'again')).toBe('not-cancellable');
    expect(await inspector.cancel('inspect-echo/none', 'x')).toBe('not-found');
    expect((await inspector.counts()).CANCELLED).toBeGreaterThanOrEqual(1);
  });

  it('counts and measures from BullMQ’s own sets, and reports queue health', async () => {
    const counts = await inspector.counts();
    expect(counts.COMPLETED).toBeGreaterThanOrEqual(12);
    expect(counts.FAILED).toBe(0);
    const metrics = await inspector.metrics({ windowMs: 3_600_000, buckets: 6 });
    expect(metrics.overall.completed).toBe(counts.COMPLETED);
    expect(metrics.overall.failed).toBe(0);
    expect(metrics.series.reduce((sum, bucket) => sum + bucket.completed, 0)).toBe(counts.COMPLETED);
    const shaky = metrics.perDefinition.find((row) => row.definition === 'inspect-flaky')!;
    expect(shaky.successRate).toBe(1);
    expect(shaky.p95DurationMs).toBeGreaterThanOrEqual(0);
    expect(await inspector.queueHealth()).toEqual({ depth: 0, oldestPendingAgeMs: null, stuck: 0 });
  });

  it('prunes finished jobs, and cancelled anchors, older than a date', async () => {
    const pending = await dispatch('inspect/echo', { ref: randomUUID() }, { delay: '1h' });
    const { deleted } = await inspector.prune(new Date(Date.now() + 60_000));
    expect(deleted).toBeGreaterThanOrEqual(13);
    const counts = await inspector.counts();
    expect(counts).toMatchObject({ COMPLETED: 0, FAILED: 0, CANCELLED: 0, PENDING: 1 });
    expect((await inspector.get(pending))!.status).toBe('PENDING');
  });

  // Last: the job whose lock is taken away stays behind (BullMQ's stalled check would run it again).
  it('counts an active job whose lock is gone as stuck, and one whose worker holds its lock as not', async () => {
    const id = (await harness.client.dispatch({ name: 'inspect/held', data: {} } as never)).ids[0]!;
    await harness.waitForStatus(id, 'PROCESSING');
    expect(await inspector.queueHealth()).toEqual({ depth: 0, oldestPendingAgeMs: null, stuck: 0 });
    // What a worker that died mid-job leaves: the job in BullMQ's active list, its lock key expired.
    const [queueName, bullmqId] = id.split('/') as [string, string];
    const redis = new Redis(redisUrl());
    try {
      expect(await redis.del((harness.provider as BullmqProvider).queue(queueName).toKey(`${bullmqId}:lock`))).toBe(1);
    } finally {
      redis.disconnect();
    }
    expect(await inspector.queueHealth()).toEqual({ depth: 0, oldestPendingAgeMs: null, stuck: 1 });
  });
});

// BullMQ's job scheduler queues each slot's job ahead, as a delayed job named after the scheduler and the slot.
describe('BullMQ inspector: cron slots', () => {
  let harness: ProviderHarness;

  beforeAll(async () => {
    harness = await createProviderHarness('bullmq', [echo], inspectorDefinitions.filter((definition) => definition.id === 'inspect-cron'));
    await harness.provider.start();
  });
  afterAll(() => harness.close());

  it('finds the job queued for the next slot, and none for a slot that never was', async () => {
    const next = new Date((Math.floor(Date.now() / 60_000) + 1) * 60_000);
    const [run] = await harness.provider.inspector!.cronSlots([{ definition: 'inspect-cron', slot: next }]);
    // Right on a minute boundary the scheduler may already have moved on to the slot after.
    const found = run!.jobId ? run! : (await harness.provider.inspector!.cronSlots([{ definition: 'inspect-cron', slot: new Date(next.getTime() + 60_000) }]))[0]!;
    expect(found).toMatchObject({ definition: 'inspect-cron', jobId: expect.stringMatching(/^inspect-cron\/repeat:inspect-cron:\d+$/), status: 'PENDING' });
    const never = new Date('2000-01-01T00:00:00Z');
    expect(await harness.provider.inspector!.cronSlots([{ definition: 'inspect-cron', slot: never }])).toEqual([
      { definition: 'inspect-cron', slot: never, jobId: null, status: null },
    ]);
  });

  it('runs the newest slot that passed before it started, as the local scheduler does, so a fresh deployment misses none', async () => {
    // The slot of the minute the provider started in (or, past a minute boundary since, the scheduler's own).
    const current = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    const [run] = await harness.provider.inspector!.cronSlots([{ definition: 'inspect-cron', slot: current }]);
    expect(run).toMatchObject({ definition: 'inspect-cron', jobId: expect.stringMatching(/^inspect-cron\/(cron-|repeat:inspect-cron:)\d+$/) });
    await harness.waitForStatus(run!.jobId!, 'COMPLETED');
    const job = await harness.provider.inspector!.get(run!.jobId!);
    expect(job).toMatchObject({ status: 'COMPLETED', result: 'tick' });
  });

  it('gives every slot’s job the definition’s attempts and priority, like a dispatched job', async () => {
    const queue = (harness.provider as BullmqProvider).queue('inspect-cron');
    const [next] = await queue.getJobs(['delayed', 'prioritized', 'waiting'], 0, 0, true);
    expect(next, 'the scheduler’s queued slot').toBeDefined();
    const definition = inspectorDefinitions.find((each) => each.id === 'inspect-cron')!;
    expect(next!.opts.attempts).toBe(definition.retries + 1);
    expect(next!.opts.priority).toBeGreaterThan(0);
  });

  it('says a slot its schedule queued cannot be cancelled (BullMQ refuses to remove it), and leaves it queued', async () => {
    const queue = (harness.provider as BullmqProvider).queue('inspect-cron');
    const [next] = await queue.getJobs(['delayed'], 0, 0, true);
    const id = `inspect-cron/${next!.id}`;
    expect(await harness.provider.inspector!.get(id)).toMatchObject({ status: 'PENDING', cancellable: false });
    expect(await harness.provider.inspector!.cancel(id, 'ops: not today')).toBe('not-cancellable');
    expect(await queue.getJob(next!.id!)).toBeDefined();
  });

});
