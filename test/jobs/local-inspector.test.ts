import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInspector } from '../../src/jobs/providers/inspection';
import type { LocalProvider } from '../../src/jobs/providers/local/local-provider';
import { createProviderHarness, type ProviderHarness } from '../helpers/provider-harness';
import { waitFor } from '../helpers/wait-for';
import { echo, failing, flaky, inspectorDefinitions as definitions, nul, prepared } from '../fixtures/inspector-jobs';

describe.each(['pglite', 'postgres'] as const)('local inspector: %s', (driver) => {
  let harness: ProviderHarness;
  let inspector: JobInspector;

  beforeAll(async () => {
    harness = await createProviderHarness(driver === 'pglite' ? 'local-pglite' : 'local-postgres', [echo, flaky, nul], definitions);
    inspector = harness.provider.inspector!;
    await harness.provider.start();
  });
  afterAll(() => harness.close());

  const dispatch = async (name: 'inspect/echo' | 'inspect/flaky', data: Record<string, unknown>, options: { delay?: string } = {}) =>
    (await harness.client.dispatch({ name, data } as never, options as never)).ids[0]!;

  it('shows a finished job with its result, steps, attempts and redacted payload', async () => {
    const key = randomUUID();
    const id = await dispatch('inspect/echo', { ref: key, password: 'hunter2', nested: { apiKey: 'sk_live', keep: 'visible' } });
    await harness.waitForStatus(id, 'COMPLETED');
    const job = (await inspector.get(id))!;
    expect(job).toMatchObject({
      id,
      definition: 'inspect-echo',
      eventName: 'inspect/echo',
      status: 'COMPLETED',
      attempts: 1,
      result: { echo: key, first: key.length },
      payload: { ref: key, password: '[redacted]', nested: { apiKey: '[redacted]', keep: 'visible' } },
      cancelReason: null,
      lastError: null,
    });
    expect(job.finishedAt).toBeInstanceOf(Date);
    expect(job.durationMs).toBeGreaterThanOrEqual(0);
    expect(job.steps).toEqual([
      { id: 'first', status: 'COMPLETED', output: key.length, error: null, attempts: 1, startedAt: expect.any(Date), durationMs: expect.any(Number) },
    ]);
    expect(job.attemptHistory).toEqual([expect.objectContaining({ attempt: 0, outcome: 'completed' })]);
    // The stored payload itself is untouched: only what the inspector shows is redacted.
    const [row] = await harness.database.handle.sql.query<{ payload: { password: string } }>('select payload from background_jobs where id = $1', [id]);
    expect(row!.payload.password).toBe('hunter2');
    expect(await inspector.get('999999999')).toBeUndefined();
    expect(await inspector.get('not-a-number')).toBeUndefined();
  });

  it('stores a result holding NUL (which jsonb refuses) with U+FFFD instead of failing the completion batch', async () => {
    const { ids } = await harness.client.dispatch({ name: 'inspect/nul', data: {} } as never);
    await harness.waitForStatus(ids[0]!, 'COMPLETED');
    expect((await inspector.get(ids[0]!))!.result).toEqual({ text: 'a\uFFFDb' });
  });

  it('lists newest first, filtered, in keyset pages', async () => {
    const key = randomUUID();
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) ids.push(await dispatch('inspect/echo', { ref: `${key}-${index}` }));
    await Promise.all(ids.map((id) => harness.waitForStatus(id, 'COMPLETED')));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await inspector.list({ definition: 'inspect-echo', status: 'COMPLETED' }, { limit: 2, cursor });
      seen.push(...page.jobs.map((job) => job.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    // Newest first: our five are the first five, in reverse dispatch order; no job twice.
    expect(seen.slice(0, 5)).toEqual([...ids].reverse());
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBe(Math.ceil(seen.length / 2));
    expect((await inspector.list({ id: ids[2] }, { limit: 10 })).jobs.map((job) => job.id)).toEqual([ids[2]]);
    expect((await inspector.list({ status: 'FAILED', definition: 'inspect-echo' }, { limit: 10 })).jobs).toEqual([]);
    const future = new Date(Date.now() + 60_000);
    expect((await inspector.list({ createdSince: future }, { limit: 10 })).jobs).toEqual([]);
  });


  // Job ids are bigints shown as text: the order must be numeric (…, 100, 99, …), not the text's ("99" > "100").
  it('orders by id as a number across a digit boundary, page after page', async () => {
    const key = randomUUID();
    await harness.client.dispatch(Array.from({ length: 110 }, (_, index) => ({ name: 'inspect/echo', data: { ref: `${key}-${index}` } })) as never);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await inspector.list({}, { limit: 25, cursor });
      seen.push(...page.jobs.map((job) => job.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.length).toBeGreaterThanOrEqual(110);
    expect(seen.map(Number)).toEqual(seen.map(Number).sort((a, b) => b - a));
    expect(new Set(seen).size).toBe(seen.length);
  });
  it('retries a failed job with fresh attempts, its completed steps still memoized', async () => {
    const key = randomUUID();
    failing.add(key);
    const id = await dispatch('inspect/flaky', { key });
    await harness.waitForStatus(id, 'FAILED');
    expect((await inspector.get(id))!.attemptHistory.map((entry) => entry.outcome)).toEqual(['failed']);
    expect(await inspector.list({ status: 'FAILED' }, { limit: 50 })).toMatchObject({ jobs: expect.arrayContaining([expect.objectContaining({ id })]) });
    failing.delete(key);
    expect(await inspector.retry(id)).toBe('retried');
    await harness.waitForStatus(id, 'COMPLETED');
    const job = (await inspector.get(id))!;
    expect(job).toMatchObject({ status: 'COMPLETED', attempts: 1, maxAttempts: 1, result: 'ok', lastError: null });
    expect(job.attemptHistory.map((entry) => entry.outcome)).toEqual(['failed', 'completed']);
    expect(prepared.get(key)).toBe(1);
    expect(await inspector.retry(id)).toBe('not-failed');
    expect(await inspector.retry('999999999')).toBe('not-found');
  });

  it('retries every failed job matching a filter, reporting progress', async () => {
    const since = new Date();
    const keys = [randomUUID(), randomUUID(), randomUUID()];
    for (const key of keys) failing.add(key);
    const ids = await Promise.all(keys.map((key) => dispatch('inspect/flaky', { key })));
    await Promise.all(ids.map((id) => harness.waitForStatus(id, 'FAILED')));
    for (const key of keys) failing.delete(key);
    const progress: number[] = [];
    expect(await inspector.retryFailed({ definition: 'inspect-flaky', createdSince: since }, (done) => progress.push(done))).toEqual({ retried: 3 });
    expect(progress.at(-1)).toBe(3);
    await Promise.all(ids.map((id) => harness.waitForStatus(id, 'COMPLETED')));
    expect(await inspector.retryFailed({ definition: 'inspect-flaky', createdSince: since })).toEqual({ retried: 0 });
  });

  it('replays a completed job as a new job with the same payload', async () => {
    const key = randomUUID();
    const id = await dispatch('inspect/echo', { ref: key });
    await harness.waitForStatus(id, 'COMPLETED');
    const replay = await inspector.replay(id);
    expect(replay).toMatchObject({ replayed: true });
    const newId = (replay as { jobId: string }).jobId;
    expect(newId).not.toBe(id);
    await harness.waitForStatus(newId, 'COMPLETED');
    const rows = await harness.database.handle.sql.query<{ id: string; job_id: string; payload: unknown; event_id: string }>(
      'select id::text as id, job_id, payload, event_id from background_jobs where id = any($1::bigint[]) order by id',
      [[id, newId]],
    );
    expect(rows.map((row) => [row.job_id, row.payload])).toEqual([
      ['inspect-echo', { ref: key }],
      ['inspect-echo', { ref: key }],
    ]);
    expect(rows[0]!.event_id).not.toBe(rows[1]!.event_id);
    expect((await inspector.get(newId))!.result).toEqual({ echo: key, first: key.length });
    expect(await inspector.replay('999999999')).toEqual({ replayed: false, reason: 'not-found' });
  });

  it('cancels only pending jobs, with the reason, and no worker runs them', async () => {
    const key = randomUUID();
    const id = await dispatch('inspect/echo', { ref: key }, { delay: '1h' });
    expect(await inspector.get(id)).toMatchObject({ status: 'PENDING', cancellable: true });
    expect(await inspector.cancel(id, 'cli:ops — duplicate send')).toBe('cancelled');
    const job = (await inspector.get(id))!;
    expect(job).toMatchObject({ status: 'CANCELLED', cancelReason: 'cli:ops — duplicate send', finishedAt: expect.any(Date), cancellable: false });
    expect(await inspector.cancel(id, 'again')).toBe('not-cancellable');
    expect(await inspector.replay(id)).toEqual({ replayed: false, reason: 'not-completed' });
    expect(await inspector.cancel('999999999', 'x')).toBe('not-found');
    const done = await dispatch('inspect/echo', { ref: `${key}-done` });
    await harness.waitForStatus(done, 'COMPLETED');
    expect(await inspector.cancel(done, 'too late')).toBe('not-cancellable');
  });

  it('counts, measures and reports queue health', async () => {
    const counts = await inspector.counts();
    const [actual] = await harness.database.handle.sql.query<Record<string, number>>(
      `select count(*) filter (where status = 'COMPLETED')::int as completed, count(*) filter (where status = 'CANCELLED')::int as cancelled from background_jobs`,
    );
    expect(counts).toMatchObject({ COMPLETED: actual!.completed, CANCELLED: actual!.cancelled, PROCESSING: expect.any(Number), FAILED: expect.any(Number) });
    const metrics = await inspector.metrics({ windowMs: 60 * 60_000, buckets: 4 });
    const echoMetrics = metrics.perDefinition.find((entry) => entry.definition === 'inspect-echo')!;
    expect(echoMetrics).toMatchObject({ failed: 0, successRate: 1, retryRate: 0 });
    expect(echoMetrics.completed).toBeGreaterThanOrEqual(8);
    expect(echoMetrics.p95DurationMs).toBeGreaterThanOrEqual(0);
    const flakyMetrics = metrics.perDefinition.find((entry) => entry.definition === 'inspect-flaky')!;
    expect(flakyMetrics.completed).toBe(4);
    expect(metrics.overall.definition).toBe('*');
    expect(metrics.overall.completed).toBe(metrics.perDefinition.reduce((sum, entry) => sum + entry.completed, 0));
    expect(metrics.overall.throughputPerMinute).toBeCloseTo((metrics.overall.completed + metrics.overall.failed) / 60);
    expect(metrics.series).toHaveLength(4);
    expect(metrics.series.reduce((sum, bucket) => sum + bucket.completed + bucket.failed, 0)).toBe(metrics.overall.completed + metrics.overall.failed);
    expect(metrics.series[3]!.completed).toBeGreaterThan(0);
    expect(await inspector.queueHealth()).toEqual({ depth: expect.any(Number), oldestPendingAgeMs: expect.toSatisfy((v) => v === null || v >= 0), stuck: 0 });
  });

  it('finds the job a cron slot created', async () => {
    const slots = await (harness.provider as LocalProvider).scheduler.tick();
    const slot = slots.find((entry) => entry.definitionId === 'inspect-cron')?.slot ?? new Date(Math.floor(Date.now() / 60_000) * 60_000);
    const runs = await waitFor(async () => {
      const [run] = await inspector.cronSlots([{ definition: 'inspect-cron', slot }]);
      return run?.status === 'COMPLETED' ? run : undefined;
    });
    expect(runs).toMatchObject({ definition: 'inspect-cron', slot, jobId: expect.any(String) });
    expect((await inspector.get(runs.jobId!))!.result).toBe('tick');
    const never = new Date('2000-01-01T00:00:00Z');
    expect(await inspector.cronSlots([{ definition: 'inspect-cron', slot: never }])).toEqual([{ definition: 'inspect-cron', slot: never, jobId: null, status: null }]);
  });

  it('prunes finished jobs older than a date, and their memos', async () => {
    const pending = await dispatch('inspect/echo', { ref: randomUUID() }, { delay: '1h' });
    const progress: number[] = [];
    const { deleted } = await inspector.prune(new Date(Date.now() + 60_000), (done) => progress.push(done));
    expect(deleted).toBeGreaterThan(10);
    expect(progress.at(-1)).toBe(deleted);
    const left = await harness.database.handle.sql.query<{ status: string }>('select status from background_jobs');
    expect(left.every((row) => row.status === 'PENDING' || row.status === 'PROCESSING')).toBe(true);
    expect(left.length).toBeGreaterThanOrEqual(1);
    expect((await inspector.get(pending))!.status).toBe('PENDING');
    const [memos] = await harness.database.handle.sql.query<{ n: number }>(
      `select count(*)::int as n from background_job_tasks t where not exists (select 1 from background_jobs j where j.id = t.job_id)`,
    );
    expect(memos!.n).toBe(0);
  });
});
