// The plain claim (definitions without a concurrency limit) takes due jobs higher priority first: a password-reset
// email dispatched after a large bulk-email backlog goes out with the first claim, not after the backlog. On
// PostgreSQL and PGlite, through the serverless tick (one claim after another, so the order is exact).
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JobClient } from '../../src/jobs/client';
import { defineJob } from '../../src/jobs/define';
import { defineEvent } from '../../src/jobs/event-type';
import { JobRegistry } from '../../src/jobs/registry';
import { testLocalProvider } from '../helpers/local-provider';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

const BACKLOG = 500;
const CONCURRENCY = 10;

const bulkEvent = defineEvent('priority/bulk', z.object({}));
const urgentEvent = defineEvent('priority/urgent', z.object({}));

describe.each(['postgres', 'pglite'] as const)('priority claims on %s', (driver) => {
  let database: TestDatabase | undefined;
  afterEach(() => database?.drop());

  it('claims a higher-priority job dispatched after a backlog in the first batch; and a dispatch priority overrides the definition one', async () => {
    const order: string[] = [];
    const definitions = [
      defineJob({ id: 'bulk', trigger: { event: bulkEvent }, priority: -5 }, async ({ jobId }) => void order.push(`bulk:${jobId}`)),
      defineJob({ id: 'urgent', trigger: { event: urgentEvent }, priority: 100 }, async () => void order.push('urgent')),
    ];
    database = await createTestDatabase(driver);
    const registry = new JobRegistry([bulkEvent, urgentEvent], definitions);
    const provider = testLocalProvider(database.handle, registry, { mode: 'serverless', concurrency: CONCURRENCY, leaseMs: 10_000, pollIntervalMs: 100 })
    const client = new JobClient<Record<string, unknown>>(registry, provider);
    await client.dispatch(Array.from({ length: BACKLOG }, () => ({ name: 'priority/bulk', data: {} })));
    await client.dispatch({ name: 'priority/urgent', data: {} });
    // A dispatch's own priority overrides the definition's: this bulk job outranks the rest of the backlog.
    const [raised] = (await client.dispatch({ name: 'priority/bulk', data: {} }, { priority: 10 })).ids;

    const { ran } = await provider.onDemand.tick(60_000);

    expect(ran).toBe(BACKLOG + 2);
    expect(order.indexOf('urgent')).toBeLessThan(CONCURRENCY);
    expect(order.indexOf(`bulk:${raised}`)).toBeLessThan(CONCURRENCY);
    const priorities = await database.handle.sql.query<{ priority: number; n: number }>(
      `select priority, count(*)::int as n from background_jobs group by priority order by priority`,
    );
    expect(priorities).toEqual([{ priority: -5, n: BACKLOG }, { priority: 10, n: 1 }, { priority: 100, n: 1 }]);
  });
});
