// Configuration 4: JOBS_PROVIDER=bullmq. `next start` runs the BullMQ worker in-process against Redis (a key
// prefix of its own), PostgreSQL holds the app's rows; and bull-board at /api/jobs/board, admins only, checked
// in headless Chromium.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startSentryReceiver, type SentryReceiver } from '../helpers/sentry-receiver';
import { redisUrl } from '../helpers/services';
import { waitFor } from '../helpers/wait-for';
import { createAdmin } from './support/admin';
import { withBrowser } from './support/browser';
import { defineConfiguration } from './support/configuration';
import { sentryEventsOfFailedJob } from './support/failed-job';
import { freePort, spawnNextStart } from './support/app-process';
import { call, waitForEmails } from './support/user-agent';
import { describeUserFlow } from './support/user-flow';

const REDIS_PREFIX = `e2e-${randomBytes(4).toString('hex')}`;
let adminKey = '';
let sentry: SentryReceiver;

const app = defineConfiguration('bullmq', async (setup) => {
  sentry = await startSentryReceiver();
  setup.onClose(() => sentry.close());
  const database = await setup.database();
  const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
  setup.onClose(async () => {
    const keys = await redis.keys(`${REDIS_PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });
  const { url } = await setup.startWeb({
    DATABASE_URL: database.url,
    JOBS_PROVIDER: 'bullmq',
    REDIS_URL: redisUrl(),
    REDIS_PREFIX,
    SENTRY_DSN: sentry.dsn,
    ADMIN_SESSION_SECRET: 'e2e-bullmq-dashboard-session-secret-0123456789',
  });
  adminKey = await createAdmin(database.url);
  return {
    url,
    database,
    // Settled when no queue has a job waiting or running (delayed ones are future cron slots or backoffs).
    settled: async () => {
      await waitFor(
        async () => {
          const lists = await redis.keys(`${REDIS_PREFIX}:*:wait`).then((wait) => redis.keys(`${REDIS_PREFIX}:*:active`).then((active) => [...wait, ...active]));
          const lengths = await Promise.all(lists.map((key) => redis.llen(key)));
          const prioritized = await redis.keys(`${REDIS_PREFIX}:*:prioritized`).then((keys) => Promise.all(keys.map((key) => redis.zcard(key))));
          return [...lengths, ...prioritized].every((length) => length === 0);
        },
        { timeoutMs: 30_000, intervalMs: 50, what: 'every BullMQ queue to drain' },
      );
    },
  };
});


describeUserFlow(app);

describe('rate limits on BullMQ', () => {
  it('keeps the counters in Redis under REDIS_PREFIX, none in PostgreSQL', async () => {
    expect((await call(app(), 'POST', '/api/auth/forgot-password', { body: { email: 'counted-in-redis@example.com' } })).status).toBe(202);
    expect((await call(app(), 'POST', '/api/auth/forgot-password', { body: { email: 'counted-in-redis@example.com' } })).status).toBe(429);
    const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
    try {
      expect((await redis.keys(`${REDIS_PREFIX}:rate-limit:forgot-password-per-email:*`)).length).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
    expect(await app().database!.handle.sql.query('select key from rate_limits')).toEqual([]);
  });
});

describe('a web process started while Redis is down', () => {
  it('serves at once (503 health), commits a sign-up and a password reset with their events in the outbox, and another process relays them', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const child = spawnNextStart('web-redis-down', port, {
      DATABASE_URL: app().database!.url,
      JOBS_PROVIDER: 'bullmq',
      REDIS_URL: 'redis://127.0.0.1:1',
      REDIS_PREFIX: `${REDIS_PREFIX}-down`,
      PUBLIC_WEBAPP_URL: base,
    });
    try {
      const health = await waitFor(() => fetch(`${base}/api/health`).catch(() => undefined), { timeoutMs: 60_000, intervalMs: 100, what: `${base}/api/health to answer` });
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ database: 'ok', providerReady: false });
      const email = `redis-down-${randomBytes(4).toString('hex')}@example.com`;
      const signup = await fetch(`${base}/api/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'correct horse battery' }) });
      expect(signup.status, await signup.clone().text()).toBe(201);
      const { id: userId } = (await signup.json()) as { id: string };
      const owed = await app().database!.handle.sql.query(`select attempts from event_outbox where events @> $1::jsonb`, [JSON.stringify([{ data: { userId } }])]);
      expect(owed).toEqual([{ attempts: 1 }]);
      // The app's own web process reaches Redis: its relay sends the events, and the verification email goes out.
      await waitForEmails(app(), 1, (sent) => sent.to === email, 'the verification email, relayed from the outbox');
      // What reads the queues answers 503 at once instead of waiting for Redis without end (it hung before).
      for (const route of ['/api/health/jobs', '/api/jobs/board/api/queues']) {
        const startedAt = Date.now();
        const answer = await fetch(`${base}${route}`, { headers: { authorization: `Bearer ${adminKey}` }, signal: AbortSignal.timeout(20_000) });
        expect(answer.status, route).toBe(503);
        expect(((await answer.json()) as { error: string }).error).toMatch(/^Redis is not answering/);
        expect(Date.now() - startedAt, route).toBeLessThan(10_000);
      }
      // A reset asked for while this process cannot reach Redis is answered as usual and sent once relayed.
      const reset = await fetch(`${base}/api/auth/forgot-password`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
      expect(reset.status, await reset.clone().text()).toBe(202);
      await waitForEmails(app(), 1, (sent) => sent.to === email && sent.subject === 'Reset your password', 'the reset email, relayed from the outbox');
    } finally {
      await child.stop();
    }
  });
});

describe('the BullMQ dashboard', () => {
  it('refuses /api/jobs/board without a key (401, with a Basic challenge) and for a non-admin (403)', async () => {
    const anonymous = await call(app(), 'GET', '/api/jobs/board');
    expect(anonymous.status).toBe(401);
    const challenge = await fetch(`${app().url}/api/jobs/board`);
    expect(challenge.headers.get('www-authenticate')).toMatch(/^Basic /);
    const user = await call(app(), 'POST', '/api/auth/signup', { body: { email: 'not-admin@example.com', password: 'correct horse battery' } });
    expect(user.status).toBe(201);
    expect((await call(app(), 'GET', '/api/jobs/board', { key: user.body.apiKey })).status).toBe(403);
    expect((await call(app(), 'GET', '/api/jobs/board', { key: 'sk_not_a_key' })).status).toBe(401);
  });

  it('refuses a state-changing request from another site even with the admin’s Basic credentials (403, no job added)', async () => {
    // A browser resends cached Basic credentials with a cross-site form, and bull-board reads a text/plain body as JSON.
    const basic = `Basic ${Buffer.from(`ops:${adminKey}`).toString('base64')}`;
    const board = `${app().url}/api/jobs/board/api/queues/email-send`;
    const forged = JSON.stringify({ name: 'csrf', data: { event: { name: 'email/send', data: { to: 'victim@example.com', subject: 'forged', html: 'x', text: 'x' } } } });
    const redis = new Redis(redisUrl());
    try {
      const jobIdCounter = async () => redis.get(`${REDIS_PREFIX}:email-send:id`);
      const before = await jobIdCounter();
      const crossSite: Array<Record<string, string>> = [{ origin: 'https://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }];
      for (const headers of crossSite) {
        const answer = await fetch(`${board}/add`, { method: 'POST', headers: { authorization: basic, 'content-type': 'text/plain', ...headers }, body: forged });
        expect(answer.status, JSON.stringify(headers)).toBe(403);
        expect(await answer.json()).toEqual({ error: 'Cross-origin request refused' });
      }
      expect((await fetch(`${board}/pause`, { method: 'PUT', headers: { authorization: basic, origin: 'https://evil.example' } })).status).toBe(403);
      expect(await jobIdCounter()).toBe(before);
      // The board's own page (same origin) and a client that is not a browser (no Origin) still act.
      expect((await fetch(`${board}/pause`, { method: 'PUT', headers: { authorization: basic, origin: app().url } })).status).toBe(200);
      expect((await fetch(`${board}/resume`, { method: 'PUT', headers: { authorization: basic } })).status).toBe(200);
    } finally {
      redis.disconnect();
    }
  });

  it("renders bull-board with the app's queues for an admin, in a real browser", async () => {
    // HTTP Basic with the API key as password: what a person does when the browser prompts on the 401.
    await withBrowser({ httpCredentials: { username: 'admin', password: adminKey } }, async (browser) => {
      const page = await browser.newPage();
      const response = await page.goto(`${app().url}/api/jobs/board`);
      expect(response?.status()).toBe(200);
      for (const queue of ['send-signing-email', 'send-verification-email', 'document-completed', 'trigger-webhook']) {
        await page.getByText(queue, { exact: true }).first().waitFor({ timeout: 30_000 });
      }
      expect(await page.title()).toContain('Signing jobs');
    });
  });
});

describe('the /admin/jobs dashboard on BullMQ', () => {
  it("lists BullMQ's jobs through its inspector, opens one by its <definition>/<id>, and the session opens the health check", async () => {
    await app().settled();
    const { url } = app();
    const signIn = await fetch(`${url}/admin/jobs/session`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
      body: new URLSearchParams({ apiKey: adminKey }),
    });
    expect(signIn.status).toBe(303);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const list = await fetch(`${url}/admin/jobs?status=COMPLETED`, { headers: { cookie } });
    expect(list.status).toBe(200);
    // BullMQ ids hold a slash: each link carries it encoded in one path segment.
    const links = [...(await list.text()).matchAll(/href="\/admin\/jobs\/([a-z0-9-]+%2F[^"?/]+)"/g)].map((match) => match[1]!);
    expect(links.length).toBeGreaterThan(0);
    const detail = await fetch(`${url}/admin/jobs/${links[0]}`, { headers: { cookie } });
    expect(detail.status).toBe(200);
    const html = await detail.text();
    expect(html).toContain(decodeURIComponent(links[0]!));
    expect(html).toContain('COMPLETED');
    const health = await fetch(`${url}/api/health/jobs`, { headers: { cookie } });
    expect([200, 503]).toContain(health.status);
    expect(await health.json()).toMatchObject({ queue: { depth: expect.any(Number) } });
  });
});

describe('Sentry on BullMQ', () => {
  it('reports a job that failed for good once, tagged with its anchor row id', async () => {
    const { events } = await sentryEventsOfFailedJob(app(), sentry, 'bullmq-sentry@example.com');
    expect(events).toHaveLength(1);
    expect(events[0]!.tags).toMatchObject({ 'job.definition': 'send-verification-email', 'job.attempt': '1', 'job.provider': 'bullmq' });
  });
});
