// /api/jobs/board over real HTTP with the runtime built from env: bull-board for admins only in production.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resetConfig } from '../../src/env';
import { closeRuntime } from '../../src/runtime';
import { createUser } from '../../src/domain/users/create-user';
import * as board from '../../src/app/api/jobs/board/[[...path]]/route';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startRouteServer, type RouteServer } from '../helpers/route-server';
import { redisUrl } from '../helpers/services';

describe('/api/jobs/board', () => {
  let database: TestDatabase;
  let server: RouteServer;
  let adminKey: string;
  let userKey: string;

  async function useEnv(env: Record<string, string>) {
    await closeRuntime();
    vi.unstubAllEnvs();
    for (const [name, value] of Object.entries({ NODE_ENV: 'production', DATABASE_URL: database.url, LOG_LEVEL: 'silent', JOBS_SERVER_DISABLED: 'true', ...env })) {
      vi.stubEnv(name, value);
    }
    resetConfig();
  }

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    adminKey = (await createUser(database.handle.db, { email: 'admin@example.com', role: 'ADMIN' })).apiKey;
    userKey = (await createUser(database.handle.db, { email: 'user@example.com' })).apiKey;
    server = await startRouteServer({ '/api/jobs/board': board, '/api/jobs/board/[...path]': board });
    await useEnv({ JOBS_PROVIDER: 'bullmq', REDIS_URL: redisUrl(), REDIS_PREFIX: `test-${randomBytes(4).toString('hex')}` });
  });
  afterAll(async () => {
    await closeRuntime();
    await server.close();
    await database.drop();
    vi.unstubAllEnvs();
    resetConfig();
  });

  const get = (headers: Record<string, string> = {}) => fetch(`${server.url}/api/jobs/board`, { headers });

  it('asks for credentials (401 with a Basic challenge) and refuses non-admins (403)', async () => {
    const anonymous = await get();
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect((await get({ authorization: 'Bearer nope' })).status).toBe(401);
    expect((await get({ authorization: `Bearer ${userKey}` })).status).toBe(403);
  });

  it('serves the dashboard to an admin by bearer key or browser Basic auth', async () => {
    const bearer = await get({ authorization: `Bearer ${adminKey}` });
    expect(bearer.status).toBe(200);
    expect(await bearer.text()).toContain('<html');
    const basic = await get({ authorization: `Basic ${Buffer.from(`admin:${adminKey}`).toString('base64')}` });
    expect(basic.status).toBe(200);
    const api = await fetch(`${server.url}/api/jobs/board/api/queues`, { headers: { authorization: `Bearer ${adminKey}` } });
    const queues = ((await api.json()) as { queues: Array<{ name: string }> }).queues.map((queue) => queue.name);
    expect(queues).toContain('audit-cleanup');
  });

  it('answers 404 when the provider is not BullMQ', async () => {
    await useEnv({ JOBS_PROVIDER: 'local' });
    const response = await get({ authorization: `Bearer ${adminKey}` });
    expect(response.status).toBe(404);
  });
});
