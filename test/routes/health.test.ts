import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resetConfig } from '../../src/env';
import { closeRuntime, getRuntime } from '../../src/runtime';
import { GET } from '../../src/app/api/health/route';
import { startWebProcess } from '../../src/start-web-process';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startRouteServer, type RouteServer } from '../helpers/route-server';
import { adminUrl, databaseUrl } from '../helpers/services';

const ALL_MIGRATIONS = ['0000_create_tables', '0001_partial_dedupe_index_drop_lease_index'];

/** A database with nothing in it, as a fresh PostgreSQL server gives you: never migrated. */
async function createEmptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `signing_jobs_empty_${Math.random().toString(16).slice(2, 10)}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: adminUrl() });
    await client.connect();
    await client.query(statement).finally(() => client.end());
  };
  await admin(`create database "${name}"`);
  return { url: databaseUrl(name), drop: () => admin(`drop database if exists "${name}" with (force)`) };
}

describe('GET /api/health', () => {
  let database: TestDatabase;
  let server: RouteServer;
  const empties: Array<{ drop(): Promise<void> }> = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    server = await startRouteServer({ '/api/health': { GET } });
  });
  afterAll(async () => {
    await server.close();
    await closeRuntime();
    await database.drop();
    for (const empty of empties) await empty.drop();
    vi.unstubAllEnvs();
    resetConfig();
  });

  async function withEnv(env: Record<string, string>) {
    await closeRuntime();
    vi.unstubAllEnvs();
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    resetConfig();
  }

  // Over HTTP once (below); otherwise the route module directly: opening PGlite blocks the event loop long enough
  // for a kept-alive test connection to be reset under the next request.
  async function health() {
    const response = await GET();
    return { status: response.status, body: await response.json() };
  }

  it('reports a reachable PostgreSQL, its schema, the role and the provider, without secrets', async () => {
    await withEnv({ DATABASE_URL: database.url, JOBS_PROVIDER: 'local', CRON_SECRET: 'a-very-secret-value-123' });
    const response = await fetch(`${server.url}/api/health`);
    const { status } = response;
    const body = await response.json();
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'ok',
      database: 'ok',
      driver: 'node-postgres',
      provider: 'local',
      mode: 'worker',
      role: 'web+jobs',
      schema: 'ok',
      pendingMigrations: [],
      providerReady: true,
      providerDetail: expect.any(String),
      outbox: { owed: 0, oldestSeconds: null },
      problems: [],
    });
    expect(JSON.stringify(body)).not.toContain('secret');
    expect(JSON.stringify(body)).not.toContain('127.0.0.1');
  });

  it('reports events the job provider has not taken and how long the oldest has waited, without degrading for them', async () => {
    await withEnv({ DATABASE_URL: database.url, JOBS_PROVIDER: 'local' });
    const sql = database.handle.sql;
    await sql.query(`insert into event_outbox (events) values ('[]'::jsonb)`);
    try {
      const fresh = await health();
      expect(fresh.status).toBe(200);
      expect(fresh.body.outbox).toEqual({ owed: 1, oldestSeconds: expect.any(Number) });
      await sql.query(`update event_outbox set created_at = now() - interval '6 minutes'`);
      const stale = await health();
      expect(stale.status).toBe(200);
      expect(stale.body.outbox.oldestSeconds).toBeGreaterThanOrEqual(360);
      expect(stale.body.problems).toEqual([]);
    } finally {
      await sql.query('delete from event_outbox');
    }
  });

  it('reports the embedded database when no URL is configured', async () => {
    await withEnv({ DATABASE_URL: '', PGLITE_DATA_DIR: 'memory://health-route' });
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body).toMatchObject({ database: 'ok', driver: 'pglite', provider: 'local', schema: 'ok' });
  });

  it('answers 503 when the database does not answer', async () => {
    await withEnv({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing' });
    const { status, body } = await health();
    expect(status).toBe(503);
    expect(body).toMatchObject({ status: 'degraded', database: 'unreachable', schema: 'unknown' });
  });

  it('answers 503 naming every migration an unmigrated PostgreSQL lacks, and the command that applies them', async () => {
    const empty = await createEmptyDatabase();
    empties.push(empty);
    await withEnv({ DATABASE_URL: empty.url });
    const { status, body } = await health();
    expect(status).toBe(503);
    expect(body).toMatchObject({ status: 'degraded', database: 'ok', schema: 'behind' });
    expect(body.pendingMigrations.slice(0, 2)).toEqual(ALL_MIGRATIONS);
    expect(body.problems.join('\n')).toContain('npm run db:migrate');
  });

  it('names the one migration a PGlite database has not applied yet', async () => {
    await withEnv({ DATABASE_URL: '', PGLITE_DATA_DIR: 'memory://health-behind' });
    const { database: embedded } = await getRuntime();
    // As if the code were one release ahead of the data: the newest migration's record is gone.
    const [newest] = await embedded.sql.query<{ created_at: string }>(
      'delete from drizzle.__drizzle_migrations where created_at = (select max(created_at) from drizzle.__drizzle_migrations) returning created_at::text',
    );
    expect(newest).toBeDefined();
    const { status, body } = await health();
    expect(status).toBe(503);
    expect(body).toMatchObject({ driver: 'pglite', schema: 'behind' });
    expect(body.pendingMigrations).toHaveLength(1);
  });

  it('reports the role: web when this process only enqueues, or serves jobs per request', async () => {
    await withEnv({ DATABASE_URL: database.url, JOBS_SERVER_DISABLED: 'true' });
    expect((await health()).body.role).toBe('web');
    await withEnv({ DATABASE_URL: database.url, JOBS_MODE: 'serverless', JOBS_SIGNING_SECRET: 'x'.repeat(32) });
    expect((await health()).body).toMatchObject({ role: 'web', mode: 'serverless', providerReady: true });
  });

  it('answers 503 when the BullMQ provider cannot reach Redis', async () => {
    await withEnv({ DATABASE_URL: database.url, JOBS_PROVIDER: 'bullmq', REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'silent' });
    const { status, body } = await health();
    expect(status).toBe(503);
    expect(body).toMatchObject({ status: 'degraded', database: 'ok', schema: 'ok', provider: 'bullmq', providerReady: false });
    expect(body.problems.join('\n')).toMatch(/bullmq is not ready/);
  });

  describe('after start-up (instrumentation) of a web-only process', () => {
    it('has migrated an unmigrated PostgreSQL before the first request', async () => {
      const empty = await createEmptyDatabase();
      empties.push(empty);
      await withEnv({ DATABASE_URL: empty.url, JOBS_SERVER_DISABLED: 'true', LOG_LEVEL: 'silent' });
      await startWebProcess();
      const { status, body } = await health();
      expect(status).toBe(200);
      expect(body).toMatchObject({ status: 'ok', schema: 'ok', pendingMigrations: [], role: 'web' });
    });

    it('leaves the schema alone with DATABASE_MIGRATE_ON_START=false, and health names what is missing', async () => {
      const empty = await createEmptyDatabase();
      empties.push(empty);
      await withEnv({ DATABASE_URL: empty.url, JOBS_SERVER_DISABLED: 'true', DATABASE_MIGRATE_ON_START: 'false', LOG_LEVEL: 'silent' });
      await startWebProcess();
      const { status, body } = await health();
      expect(status).toBe(503);
      expect(body.pendingMigrations.slice(0, 2)).toEqual(ALL_MIGRATIONS);
    });
  });
});
