// Faults (a) 5–8 and 21: cron slots across skewed and stepping clocks, a self-dispatch URL that refuses or hangs,
// and input at and over the limits.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JobClient } from '../../src/jobs/client';
import { defineEvent } from '../../src/jobs/event-type';
import { defineJob } from '../../src/jobs/define';
import { ValidationError } from '../../src/jobs/errors';
import { JobRegistry, MAX_EVENTS_PER_DISPATCH } from '../../src/jobs/registry';
import { LocalProvider, type LocalProviderOptions } from '../../src/jobs/providers/local/local-provider';
import { silentLogger, type JobLogger } from '../../src/jobs/logger';
import type { TestDatabase } from '../helpers/database';
import { count, createFaultDatabase } from './fault-database';

const blob = defineEvent('test/blob', z.object({ text: z.string(), n: z.number().int() }));
const ran: string[] = [];
const definitions = [
  defineJob({ id: 'every-minute', trigger: { cron: '* * * * *' } }, async () => {}),
  defineJob({ id: 'blob', trigger: { event: blob } }, async ({ event }) => void ran.push(String(event.data.n))),
];

describe('scheduling and input faults', () => {
  let database: TestDatabase;
  const registry = new JobRegistry([blob], definitions);
  const provider = (options: Partial<LocalProviderOptions> = {}) =>
    new LocalProvider({
      database: database.handle,
      registry,
      mode: 'worker',
      concurrency: 4,
      leaseMs: 1000,
      pollIntervalMs: 100,
      retentionDays: 7,
      logger: silentLogger,
      onFailure: async () => {},
      ...options,
    });

  beforeAll(async () => {
    database = await createFaultDatabase();
  });
  afterAll(() => database.drop());

  it('runs each of 10 cron slots exactly once across three instances, one skewed ±2 min, one stepping back', async () => {
    const base = Date.parse('2026-05-01T12:00:00Z');
    let virtual = base;
    const offsets = [0, 2 * 60_000, -2 * 60_000];
    const instances = offsets.map((offset) => provider({ now: () => new Date(virtual + offset) }));
    let stepBack = provider({ now: () => new Date(virtual) });
    // Ten minutes of virtual time in 10-second ticks; the fourth instance's clock jumps back 5 minutes halfway.
    for (let second = 0; second <= 600; second += 10) {
      virtual = base + second * 1000;
      const jump = second === 300 ? -5 * 60_000 : 0;
      if (jump) stepBack = provider({ now: () => new Date(virtual + jump) });
      await Promise.all([...instances, stepBack].map((instance) => instance.scheduler.tick()));
    }
    const slots = await database.handle.sql.query<{ dedupe_key: string; n: number }>(
      `select dedupe_key, count(*)::int as n from background_jobs where job_id = 'every-minute' group by dedupe_key order by dedupe_key`,
    );
    // Skewed instances may enqueue a slot early (up to 2 min ahead); none is enqueued twice, none skipped.
    const minutes = slots.map((slot) => slot.dedupe_key.slice('cron:every-minute:'.length));
    expect(slots.every((slot) => slot.n === 1)).toBe(true);
    const expected = Array.from({ length: 13 }, (_, minute) => new Date(base - 60_000 + minute * 60_000).toISOString()).filter(
      (iso) => iso <= new Date(base + 12 * 60_000).toISOString(),
    );
    for (const minute of expected.slice(1, 11)) expect(minutes).toContain(minute);
    console.log(`faults: ${slots.length} cron slots over 10 virtual minutes from 4 schedulers, each enqueued once`);
  });

  it('still runs a job whose self-dispatch is refused or hangs, logging the cause', async () => {
    const hanging = http.createServer(() => {});
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
    const warnings: Array<Record<string, unknown>> = [];
    const recorder: JobLogger = { ...silentLogger, warn: (object) => void warnings.push(object as Record<string, unknown>), child: () => recorder };
    const causes: string[] = [];
    try {
      for (const baseUrl of ['http://127.0.0.1:9', hangingUrl]) {
        const serverless = provider({
          mode: 'serverless',
          logger: recorder,
          selfDispatch: { baseUrl, secret: 'x'.repeat(32), timeoutMs: 300 },
        });
        const client = new JobClient(registry, serverless);
        const { ids } = await client.dispatch({ name: 'test/blob', data: { text: 'x', n: causes.length } });
        // The self-call fails after its retries; the next cron tick (one poll interval on Vercel Pro) runs the job.
        await expectEventually(() => warnings.some((warning) => warning.jobId === ids[0]));
        causes.push(String(warnings.find((warning) => warning.jobId === ids[0])!.cause));
        const tick = await serverless.tick(5000);
        expect(tick.ran).toBeGreaterThanOrEqual(1);
        expect(await count(database, `select count(*)::int as n from background_jobs where id = $1 and status = 'COMPLETED'`, [ids[0]])).toBe(1);
      }
      expect(causes).toEqual([expect.stringMatching(/ECONNREFUSED|fetch failed/), expect.stringMatching(/abort|timeout/i)]);
    } finally {
      hanging.closeAllConnections();
      hanging.close();
    }
  });

  it('accepts a 1 MB payload and 10,000 events at once; refuses oversize, wrong types and too many, writing nothing', async () => {
    const client = new JobClient(registry, provider());
    const before = await count(database, `select count(*)::int as n from background_jobs`);
    const { ids } = await client.dispatch({ name: 'test/blob', data: { text: 'x'.repeat(1_000_000), n: 1 } });
    expect(ids).toHaveLength(1);
    const many = await client.dispatch(Array.from({ length: MAX_EVENTS_PER_DISPATCH }, (_, n) => ({ name: 'test/blob', data: { text: '', n } })));
    expect(many.ids).toHaveLength(10_000);
    expect(new Set(many.ids).size).toBe(10_000);

    const oversize = client.dispatch({ name: 'test/blob', data: { text: 'x'.repeat(1_100_000), n: 2 } });
    await expect(oversize).rejects.toBeInstanceOf(ValidationError);
    await expect(oversize).rejects.toMatchObject({ issues: [{ path: 'data', message: expect.stringMatching(/^payload is \d+ bytes; the limit is 1048576/) }] });
    await expect(client.dispatch({ name: 'test/blob', data: { text: 5, n: 'one' } } as never)).rejects.toMatchObject({
      issues: [{ path: 'data.text' }, { path: 'data.n' }],
    });
    const tooMany = client.dispatch(Array.from({ length: MAX_EVENTS_PER_DISPATCH + 1 }, (_, n) => ({ name: 'test/blob', data: { text: '', n } })));
    await expect(tooMany).rejects.toMatchObject({ issues: [{ message: 'at most 10000 events per dispatch (got 10001)' }] });
    const halfBad = client.dispatch([
      ...Array.from({ length: 500 }, (_, n) => ({ name: 'test/blob' as const, data: { text: '', n } })),
      { name: 'test/blob' as const, data: { text: '', n: 1.5 } },
    ]);
    await expect(halfBad).rejects.toMatchObject({ issues: [{ path: '500.data.n' }] });
    expect(await count(database, `select count(*)::int as n from background_jobs`)).toBe(before + 10_001);
  });
});

async function expectEventually(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
