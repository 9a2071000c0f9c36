// A backlog of unlimited jobs must not hold back jobs of a definition with a concurrency limit (signing
// invitations are limited): the limited ones are claimed at the next claim, not once the backlog has drained. On
// PostgreSQL and on PGlite, through the worker loop and through the serverless tick.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JobClient } from '../../src/jobs/client';
import { defineJob } from '../../src/jobs/define';
import { defineEvent } from '../../src/jobs/event-type';
import type { LocalProvider } from '../../src/jobs/providers/local/local-provider';
import { JobRegistry } from '../../src/jobs/registry';
import { testLocalProvider } from '../helpers/local-provider';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { waitFor } from '../helpers/wait-for';

const BACKLOG = 1000;

const backlogEvent = defineEvent('fair/backlog', z.object({}));
const limitedEvent = defineEvent('fair/limited', z.object({ documentId: z.string() }));

describe.each(['postgres', 'pglite'] as const)('fair claims on %s', (driver) => {
  let database: TestDatabase | undefined;
  let provider: LocalProvider | undefined;
  afterEach(async () => {
    await provider?.stop({ timeoutMs: 2000 });
    await database?.drop();
  });

  async function setUp(mode: 'worker' | 'serverless') {
    const seen = { backlogDone: 0, backlogDoneWhenLimitedStarted: undefined as number | undefined };
    const definitions = [
      defineJob({ id: 'backlog', trigger: { event: backlogEvent } }, async () => void seen.backlogDone++),
      defineJob({ id: 'limited', trigger: { event: limitedEvent }, concurrency: { limit: 1, key: 'event.data.documentId' } }, async () => {
        seen.backlogDoneWhenLimitedStarted = seen.backlogDone;
      }),
    ];
    database = await createTestDatabase(driver);
    const registry = new JobRegistry([backlogEvent, limitedEvent], definitions);
    provider = testLocalProvider(database.handle, registry, { mode: mode, concurrency: 10, leaseMs: 10_000, pollIntervalMs: 100 })
    const client = new JobClient<Record<string, unknown>>(registry, provider);
    // The backlog first, then one limited job: in run_at order it is last.
    await client.dispatch(Array.from({ length: BACKLOG }, () => ({ name: 'fair/backlog', data: {} })));
    await client.dispatch({ name: 'fair/limited', data: { documentId: 'd1' } });
    return seen;
  }

  it('starts a limited job queued behind a backlog long before the backlog drains (worker loop)', async () => {
    const seen = await setUp('worker');
    await provider!.start();
    await waitFor(() => seen.backlogDone === BACKLOG && seen.backlogDoneWhenLimitedStarted !== undefined, { what: 'every job', timeoutMs: 60_000 });
    expect(seen.backlogDoneWhenLimitedStarted).toBeLessThan(BACKLOG / 2);
  }, 90_000);

  it('keeps the event loop turning while it drains a backlog: a timer set at the start fires long before the end', async () => {
    const seen = await setUp('worker');
    await provider!.start();
    // On PGlite every query settles as a microtask: a claim loop that never yields would hold this timer (and, in the
    // one-process default, every HTTP request) until the backlog is gone.
    const backlogDoneWhenTimerFired = await new Promise<number>((resolve) => setTimeout(() => resolve(seen.backlogDone), 1));
    await waitFor(() => seen.backlogDone === BACKLOG, { what: 'the backlog', timeoutMs: 60_000 });
    expect(backlogDoneWhenTimerFired).toBeLessThan(BACKLOG / 2);
  }, 90_000);

  it('starts it in the first batch of a serverless tick', async () => {
    const seen = await setUp('serverless');
    await provider!.onDemand.tick(60_000);
    expect(seen.backlogDone).toBe(BACKLOG);
    expect(seen.backlogDoneWhenLimitedStarted).toBeLessThan(BACKLOG / 2);
  }, 90_000);
});
