// Serverless mode end to end over real HTTP: the real route modules behind a local server, the runtime built
// from env exactly as on Vercel (JOBS_MODE=serverless), jobs in a real PostgreSQL database.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resetConfig } from '../../src/env';
import { closeRuntime, getRuntime } from '../../src/runtime';
import { LocalProvider } from '../../src/jobs/providers/local/local-provider';
import { signJobRequest } from '../../src/jobs/providers/local/signature';
import * as jobsRun from '../../src/app/api/jobs/run/route';
import * as cronTick from '../../src/app/api/cron/tick/route';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startRouteServer, type RouteServer } from '../helpers/route-server';
import { waitFor } from '../helpers/wait-for';

const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
const CRON_SECRET = 'test-cron-secret-0123456789';

describe('serverless mode', () => {
  let database: TestDatabase;
  let server: RouteServer;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    server = await startRouteServer({ '/api/jobs/run': jobsRun, '/api/cron/tick': cronTick });
    await useEnv({});
  });
  afterAll(async () => {
    await closeRuntime();
    await server.close();
    await database.drop();
    vi.unstubAllEnvs();
    resetConfig();
  });

  async function useEnv(extra: Record<string, string>) {
    await closeRuntime();
    vi.unstubAllEnvs();
    const env = {
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      JOBS_MODE: 'serverless',
      JOBS_SIGNING_SECRET: SIGNING_SECRET,
      INTERNAL_WEBAPP_URL: server.url,
      CRON_SECRET,
      LOG_LEVEL: 'silent',
      ...extra,
    };
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    resetConfig();
  }

  const sql = () => database.handle.sql;
  async function insertPendingJob(): Promise<string> {
    const rows = await sql().query<{ id: string }>(
      `insert into background_jobs (job_id, event_name, payload, max_attempts)
       values ('audit-cleanup', 'cron/audit-cleanup', '{"scheduledFor":"2026-01-01T03:00:00.000Z"}', 4) returning id::text as id`,
    );
    return rows[0]!.id;
  }
  const jobRow = async (id: string) =>
    (await sql().query<{ status: string; attempts: number }>('select status, attempts from background_jobs where id = $1', [id]))[0]!;
  const post = (body: string, signature?: string) =>
    fetch(`${server.url}/api/jobs/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature ? { 'x-job-signature': signature } : {}) },
      body,
    });

  it('runs an enqueued job through a signed self-call to /api/jobs/run', async () => {
    const runtime = await getRuntime();
    expect(runtime.provider).toBeInstanceOf(LocalProvider);
    const slots = await (runtime.provider as LocalProvider).scheduler.tick();
    expect(slots.map((slot) => slot.definitionId).sort()).toEqual(['audit-cleanup', 'document-cleanup', 'expire-recipients-sweep', 'job-health-alerts']);
    await waitFor(async () => {
      const rows = await sql().query(`select 1 from background_jobs where status = 'COMPLETED' and dedupe_key like 'cron:%'`);
      return rows.length === 4;
    }, { what: 'the four cron jobs to complete through self-dispatch' });
    const attempts = await sql().query<{ attempts: number }>(`select attempts from background_jobs where dedupe_key like 'cron:%'`);
    expect(attempts).toEqual([{ attempts: 1 }, { attempts: 1 }, { attempts: 1 }, { attempts: 1 }]);
  });

  it('refuses a missing, forged, tampered, re-targeted or expired signature with 401, running nothing', async () => {
    const id = await insertPendingJob();
    const other = await insertPendingJob();
    const body = JSON.stringify({ jobId: id });
    const sixMinutesAgo = new Date(Date.now() - 6 * 60 * 1000);
    const attempts = [
      post(body),
      post(body, signJobRequest('the-wrong-secret-0123456789abcdefgh', body)),
      post(JSON.stringify({ jobId: other }), signJobRequest(SIGNING_SECRET, body)),
      post(body.replace('}', ' }'), signJobRequest(SIGNING_SECRET, body)),
      post(body, signJobRequest(SIGNING_SECRET, body, sixMinutesAgo)),
      post(body, 'sha256=deadbeef'),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(401);
      expect((await response.json()).error).toMatch(/^Invalid x-job-signature: (missing|mismatch|expired|malformed)$/);
    }
    expect(await jobRow(id)).toEqual({ status: 'PENDING', attempts: 0 });
    expect(await jobRow(other)).toEqual({ status: 'PENDING', attempts: 0 });

    const ok = await post(body, signJobRequest(SIGNING_SECRET, body));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ jobId: id, result: 'ran' });
    expect(await jobRow(id)).toEqual({ status: 'COMPLETED', attempts: 1 });

    const replay = await post(body, signJobRequest(SIGNING_SECRET, body));
    expect(replay.status).toBe(409);
    expect(await jobRow(id)).toEqual({ status: 'COMPLETED', attempts: 1 });
  });

  it('answers 400 naming the field for a signed but invalid body, and 404 for an unknown job', async () => {
    const bad = JSON.stringify({ jobId: 'abc' });
    const response = await post(bad, signJobRequest(SIGNING_SECRET, bad));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'Invalid request', issues: [{ path: 'jobId', message: 'expected a job id' }] });
    const unknown = JSON.stringify({ jobId: '999999999' });
    expect((await post(unknown, signJobRequest(SIGNING_SECRET, unknown))).status).toBe(404);
  });

  it('guards /api/cron/tick with the bearer secret and runs due jobs on GET and POST', async () => {
    const url = `${server.url}/api/cron/tick`;
    const refused = await Promise.all([
      fetch(url),
      fetch(url, { headers: { authorization: 'Bearer wrong' } }),
      fetch(url, { headers: { authorization: 'Bearer undefined' } }),
      fetch(url, { headers: { authorization: `Bearer ${CRON_SECRET}x` } }),
      fetch(url, { headers: { authorization: CRON_SECRET } }),
    ]);
    expect(refused.map((response) => response.status)).toEqual([401, 401, 401, 401, 401]);

    const id = await insertPendingJob();
    const get = await fetch(url, { headers: { authorization: `Bearer ${CRON_SECRET}` } });
    expect(get.status).toBe(200);
    const tickBody = await get.json();
    // Cron slots enqueued by this tick may be run by it or by their own self-dispatch: at least our job ran here.
    expect(tickBody).toMatchObject({ reclaimed: 0 });
    expect(tickBody.ran).toBeGreaterThanOrEqual(1);
    expect(await jobRow(id)).toEqual({ status: 'COMPLETED', attempts: 1 });
    const postResponse = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${CRON_SECRET}` } });
    expect(postResponse.status).toBe(200);
  });

  it('refuses the cron endpoint with 503 in production when CRON_SECRET is unset', async () => {
    await useEnv({ CRON_SECRET: '' });
    const response = await fetch(`${server.url}/api/cron/tick`, { headers: { authorization: 'Bearer undefined' } });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: 'CRON_SECRET is not set; cron endpoints are disabled' });
    await useEnv({});
  });
});
