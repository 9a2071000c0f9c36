// The Inngest provider at two levels: @inngest/test runs our converted functions through the real SDK, and the
// real /api/inngest route (runtime built from env, cloud mode) is synced and called with signed requests.
import { InngestTestEngine } from '@inngest/test';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resetConfig } from '../../src/env';
import { closeRuntime } from '../../src/runtime';
import * as inngestRoute from '../../src/app/api/inngest/route';
import { JobRegistry } from '../../src/jobs/registry';
import { InngestProvider } from '../../src/jobs/providers/inngest/inngest-provider';
import { silentLogger } from '../../src/jobs/logger';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startFakeInngest, signInngestBody, canonicalJson, putUnsignedSync, type FakeInngest } from '../helpers/fake-inngest';
import { startRouteServer, type RouteServer } from '../helpers/route-server';
import { record, testDefinitions, testEvents } from '../fixtures/test-jobs';

describe('Inngest functions under @inngest/test', () => {
  const provider = new InngestProvider({
    appId: 'unit',
    isDev: true,
    serveOrigin: 'http://app.test',
    registry: new JobRegistry(testEvents, testDefinitions),
    logger: silentLogger,
    onFailure: async () => {},
  });
  const fn = (id: string) => provider.functions.find((candidate) => candidate.id() === id)!;

  it('runs every step of a definition through the real SDK and returns its result', async () => {
    const key = `engine-${randomBytes(4).toString('hex')}`;
    // Attempt 1 of the step that fails on attempt 0, as a retry would see it: the SDK replays memoized steps.
    const engine = new InngestTestEngine({
      function: fn('three-steps') as never,
      events: [{ name: 'test/steps', data: { key } }],
      transformCtx: ((ctx: Record<string, unknown>) => ({ ...ctx, attempt: 1 })) as never,
    });
    const { result } = await engine.execute();
    expect(result).toEqual({ total: 3 });
    expect(record.steps.get(key)).toEqual(['step-1', 'step-2', 'step-3']);
  });

  it('maps a NonRetriableError so the SDK reports a non-retriable failure', async () => {
    const engine = new InngestTestEngine({ function: fn('non-retriable') as never, events: [{ name: 'test/non-retriable', data: { key: 'x' } }] });
    const { error } = await engine.execute();
    expect(error).toMatchObject({ name: 'NonRetriableError', message: 'the input can never work' });
  });
});

describe('/api/inngest in cloud mode', () => {
  const PUBLIC_URL = 'https://sign.example.test';
  const signingKey = `signkey-prod-${randomBytes(16).toString('hex')}`;
  let database: TestDatabase;
  let fake: FakeInngest;
  let server: RouteServer;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    fake = await startFakeInngest({ signingKey, appId: 'signing-jobs' });
    server = await startRouteServer({ '/api/inngest': inngestRoute });
    fake.setAppUrl(`${server.url}/api/inngest`);
    const env = {
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      JOBS_PROVIDER: 'inngest',
      INNGEST_SIGNING_KEY: signingKey,
      INNGEST_EVENT_KEY: 'prod-event-key',
      INNGEST_BASE_URL: fake.url,
      PUBLIC_WEBAPP_URL: PUBLIC_URL,
      LOG_LEVEL: 'silent',
    };
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    resetConfig();
  });
  afterAll(async () => {
    await closeRuntime();
    await server.close();
    await fake.close();
    await database.drop();
    vi.unstubAllEnvs();
    resetConfig();
  });

  it('syncs the app’s functions, with UTC crons, to Inngest on a signed PUT, registering PUBLIC_WEBAPP_URL', async () => {
    const response = await fake.sync();
    expect(response.status).toBe(200);
    const audit = fake.functions.get('signing-jobs-audit-cleanup');
    expect(audit?.triggers).toEqual([{ cron: 'TZ=UTC 0 3 * * *' }]);
    expect(fake.functions.get('signing-jobs-expire-recipients-sweep')?.triggers).toEqual([{ cron: 'TZ=UTC 0 * * * *' }]);
    expect(fake.registrations.at(-1)).toBe(`${PUBLIC_URL}/api/inngest`);
  });

  it('refuses an unsigned PUT (sync) carrying a foreign Host, registering nothing', async () => {
    const before = fake.registrations.length;
    expect(await putUnsignedSync(`${server.url}/api/inngest`, 'evil.example.com')).toBe(401);
    expect(fake.registrations.length).toBe(before);
  });

  function runBody() {
    const event = { name: 'inngest/scheduled.timer', data: { cron: 'TZ=UTC 0 3 * * *' }, id: 'evt-1', ts: Date.parse('2026-03-01T03:00:00Z') };
    return {
      event,
      events: [event],
      steps: {},
      ctx: { run_id: 'run-1', attempt: 0, max_attempts: 4, disable_immediate_execution: false, use_api: false, stack: { stack: [], current: 0 } },
      version: 2,
    };
  }
  const call = (body: string, signature?: string) =>
    fetch(`${server.url}/api/inngest?fnId=signing-jobs-audit-cleanup&stepId=step`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature ? { 'x-inngest-signature': signature } : {}) },
      body,
    });

  it('refuses unsigned, wrongly signed, tampered and expired calls with 401, running nothing', async () => {
    const body = canonicalJson(runBody());
    const wrongKey = `signkey-prod-${randomBytes(16).toString('hex')}`;
    const responses = await Promise.all([
      call(body),
      call(body, signInngestBody(wrongKey, body)),
      call(body.replace('run-1', 'run-2'), signInngestBody(signingKey, body)),
      call(body, signInngestBody(signingKey, body, new Date(Date.now() - 6 * 60 * 1000))),
    ]);
    expect(responses.map((response) => response.status)).toEqual([401, 401, 401, 401]);
    expect(await database.handle.sql.query(`select 1 from system_logs`)).toHaveLength(0);
    expect((await fetch(`${server.url}/api/inngest`)).status).toBe(401);
  });

  it('runs a function for a correctly signed call', async () => {
    const body = canonicalJson(runBody());
    const response = await call(body, signInngestBody(signingKey, body));
    // The SDK ran the function's first step at once and reports it (206 + ops) or the whole run's result (200).
    expect([200, 206]).toContain(response.status);
    const payload = await response.json();
    if (response.status === 206) expect(payload).toEqual(expect.arrayContaining([expect.objectContaining({ op: 'StepRun' })]));
    expect(await database.handle.sql.query(`select 1 from system_logs`)).not.toHaveLength(0);
  });
});
