// bull-board served as a Hono app over real HTTP: the page, its static assets, and its API over real queues.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JobClient } from '../../src/jobs/client';
import { defineEvent } from '../../src/jobs/event-type';
import { defineJob } from '../../src/jobs/define';
import { JobRegistry } from '../../src/jobs/registry';
import { BullmqProvider } from '../../src/jobs/providers/bullmq/bullmq-provider';
import { createBoardApp } from '../../src/jobs/providers/bullmq/board';
import { silentLogger } from '../../src/jobs/logger';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startRouteServer, type RouteServer } from '../helpers/route-server';
import { redisUrl } from '../helpers/services';

const event = defineEvent('test/board', z.object({ n: z.number() }));

describe('bull-board', () => {
  let database: TestDatabase;
  let provider: BullmqProvider;
  let server: RouteServer;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const registry = new JobRegistry([event], [defineJob({ id: 'board-job', trigger: { event } }, async () => {})]);
    provider = new BullmqProvider({
      redisUrl: redisUrl(),
      prefix: `test-${randomBytes(4).toString('hex')}`,
      concurrency: 1,
      database: database.handle,
      registry,
      logger: silentLogger,
      onFailure: async () => {},
      retentionDays: 1,
    });
    await new JobClient(registry, provider).dispatch([1, 2, 3].map((n) => ({ name: 'test/board', data: { n } })));
    const app = createBoardApp(provider);
    const handler = { GET: (request: Request) => app.fetch(request) };
    server = await startRouteServer({ '/api/jobs/board': handler, '/api/jobs/board/[...path]': handler });
  });
  afterAll(async () => {
    await server.close();
    await provider.stop({ timeoutMs: 1000 });
    await database.drop();
  });

  it('serves the dashboard page and its assets', async () => {
    const page = await fetch(`${server.url}/api/jobs/board`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Signing jobs');
    const asset = /src="([^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const script = await fetch(new URL(asset!, `${server.url}/api/jobs/board/`));
    expect(script.status).toBe(200);
  });

  // Every job carries a BullMQ priority (see toBullmqPriority), so queued jobs are "prioritized", not "waiting".
  it('lists the queues with their queued jobs through its API', async () => {
    const response = await fetch(`${server.url}/api/jobs/board/api/queues?activeQueue=board-job&status=prioritized&page=1`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { queues: Array<{ name: string; counts: Record<string, number> }> };
    expect(body.queues.find((queue) => queue.name === 'board-job')?.counts.prioritized).toBe(3);
  });
});
