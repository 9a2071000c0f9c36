import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resetConfig } from '../../src/env';
import { closeRuntime } from '../../src/runtime';
import { GET } from '../../src/app/api/health/route';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startRouteServer, type RouteServer } from '../helpers/route-server';

describe('GET /api/health', () => {
  let database: TestDatabase;
  let server: RouteServer;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    server = await startRouteServer({ '/api/health': { GET } });
  });
  afterAll(async () => {
    await server.close();
    await closeRuntime();
    await database.drop();
    vi.unstubAllEnvs();
    resetConfig();
  });

  async function withEnv(env: Record<string, string>) {
    await closeRuntime();
    vi.unstubAllEnvs();
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    resetConfig();
  }

  it('reports a reachable PostgreSQL and the active provider, without secrets', async () => {
    await withEnv({ DATABASE_URL: database.url, JOBS_PROVIDER: 'local', CRON_SECRET: 'a-very-secret-value-123' });
    const response = await fetch(`${server.url}/api/health`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toEqual({ status: 'ok', database: 'ok', driver: 'node-postgres', provider: 'local', mode: 'worker' });
    expect(JSON.stringify(body)).not.toContain('secret');
  });

  it('reports the embedded database when no URL is configured', async () => {
    await withEnv({ DATABASE_URL: '', PGLITE_DATA_DIR: 'memory://health-route' });
    const response = await fetch(`${server.url}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ database: 'ok', driver: 'pglite', provider: 'local' });
  });

  it('answers 503 when the database does not answer', async () => {
    await withEnv({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing' });
    const response = await fetch(`${server.url}/api/health`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: 'degraded', database: 'unreachable' });
  });
});
