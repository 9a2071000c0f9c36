// The operators' dashboard at /admin/jobs on the built app (local provider on PostgreSQL, ADMIN_SESSION_SECRET
// set): over HTTP, the session is what it claims (no cookie, a forged, tampered or expired one: sign-in page; a
// non-admin: 403; a cross-origin post: 403 and nothing done) and an action is audited with its admin; in headless
// Chromium, an admin signs in, filters, retries a failed job to COMPLETED, reads the metrics and cron panels and
// signs out. Screenshots go to test/artifacts/ (ignored by git); their paths are printed.
import { createHmac } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait-for';
import { createAdmin } from './support/admin';
import { recordCspViolations, withBrowser } from './support/browser';
import { defineConfiguration, localJobsSettled } from './support/configuration';
import { call, tokenIn, waitForEmails } from './support/user-agent';

const SESSION_SECRET = 'e2e-admin-session-secret-0123456789abcdef';
const COOKIE = 'signing_admin_session';
const ADMIN_EMAIL = 'admin@example.com';
const PASSWORD = 'correct horse battery';
const ARTIFACTS = path.resolve(import.meta.dirname, '../artifacts');
const PAGES = ['/admin/jobs', '/admin/jobs/1', '/admin/jobs/metrics', '/admin/jobs/cron', '/admin/jobs/deliveries', '/admin/jobs/emails'];

let adminKey = '';
/** A second web process on the same database with JOBS_PROVIDER=inngest, whose jobs live in Inngest. */
let inngestUrl = '';
/** A third, on embedded PGlite, started in production without ADMIN_SESSION_SECRET. */
let unconfiguredUrl = '';

const app = defineConfiguration('admin-dashboard', async (setup) => {
  const database = await setup.database();
  const { url } = await setup.startWeb({ DATABASE_URL: database.url, ADMIN_SESSION_SECRET: SESSION_SECRET });
  adminKey = await createAdmin(database.url, ADMIN_EMAIL);
  const inngest = await setup.startWeb({ DATABASE_URL: database.url, ADMIN_SESSION_SECRET: SESSION_SECRET, JOBS_PROVIDER: 'inngest', INNGEST_DEV: '1' }, 'web-inngest');
  inngestUrl = inngest.url;
  unconfiguredUrl = (await setup.startWeb({ PGLITE_DATA_DIR: await setup.tempDir() }, 'web-no-secret')).url;
  return { url, database, settled: localJobsSettled(database) };
});

async function query<Row>(text: string, params: unknown[] = []): Promise<Row[]> {
  return app().database!.handle.sql.query<Row>(text, params);
}

/** A form post as a browser sends it: urlencoded, with this app's Origin unless told otherwise. */
async function post(pathname: string, fields: Record<string, string>, options: { cookie?: string; origin?: string | null; html?: boolean; base?: string } = {}) {
  const base = options.base ?? app().url;
  const origin = options.origin === undefined ? base : options.origin;
  return fetch(`${base}${pathname}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: options.html ? 'text/html' : 'application/json',
      ...(origin !== null && { origin }),
      ...(options.cookie && { cookie: `${COOKIE}=${options.cookie}` }),
    },
    body: new URLSearchParams(fields).toString(),
  });
}

async function get(pathname: string, cookie?: string, base = app().url) {
  return fetch(`${base}${pathname}`, { redirect: 'manual', headers: cookie ? { cookie: `${COOKIE}=${cookie}` } : {} });
}

/** The session value a sign-in set. */
function sessionOf(response: Response): string {
  const match = new RegExp(`${COOKIE}=([^;]+)`).exec(response.headers.get('set-cookie') ?? '');
  if (!match) throw new Error(`no session cookie in ${response.status} ${response.headers.get('set-cookie')}`);
  return match[1]!;
}

async function signInWithKey(key: string): Promise<string> {
  const response = await post('/admin/jobs/session', { apiKey: key });
  expect(response.status).toBe(303);
  return sessionOf(response);
}

/** A session value in the documented format, signed with `secret`, expiring at `expires` (unix seconds). */
function craftSession(userId: string, expires: number, secret = SESSION_SECRET): string {
  const body = `v2.${userId}.${(expires - 8 * 3600) * 1000}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** A session for `userId` issued this millisecond, signed with the server's secret: what a sign-in now would set. */
function sessionIssuedNow(userId: string): string {
  const body = `v2.${userId}.${Date.now()}`;
  return `${body}.${createHmac('sha256', SESSION_SECRET).update(body).digest('base64url')}`;
}

const adminId = async () => (await query<{ id: string }>(`select id from users where email = $1`, [ADMIN_EMAIL]))[0]!.id;
const jobStatus = async (id: string) => (await query<{ status: string }>(`select status from background_jobs where id = $1`, [id]))[0]!.status;

/**
 * A FAILED job whose retry will succeed: a copy of the document-cleanup cron job the app ran at start-up, marked as
 * having used all its attempts.
 */
async function failedJob(): Promise<string> {
  return (await copiesOfCronJob('document-cleanup', 'FAILED', 1))[0]!;
}

/**
 * `count` copies of a cron job the app ran at start-up, in `status`: FAILED ones have used all their attempts (a
 * retry then succeeds), PENDING ones are due in an hour, CANCELLED ones are history.
 */
async function copiesOfCronJob(definition: string, status: 'FAILED' | 'PENDING' | 'CANCELLED', count: number): Promise<string[]> {
  await waitFor(async () => (await query(`select 1 from background_jobs where job_id = $1 and status = 'COMPLETED'`, [definition])).length > 0, {
    timeoutMs: 30_000,
    what: `the start-up ${definition} job to complete`,
  });
  const rows = await query<{ id: string }>(
    `insert into background_jobs (job_id, event_name, payload, status, attempts, max_attempts, run_at, started_at, completed_at, last_error)
     select job_id, event_name, payload, $1, case when $1 = 'PENDING' then 0 else 4 end, 4, now() + interval '1 hour',
            now() - interval '2 seconds', case when $1 = 'PENDING' then null else now() end,
            case when $1 = 'FAILED' then 'Error: purge failed (injected by the test)' end
       from background_jobs, generate_series(1, $2)
      where id = (select min(id) from background_jobs where job_id = $3 and status = 'COMPLETED')
     returning id::text as id`,
    [status, count, definition],
  );
  return rows.map((row) => row.id).sort((a, b) => Number(a) - Number(b));
}

/** The job ids a list page shows, in order. */
const listedIds = (html: string) => [...html.matchAll(/data-job-id="(\d+)"/g)].map((match) => match[1]!);

async function signUp(email: string): Promise<{ id: string; apiKey: string }> {
  const answer = await call(app(), 'POST', '/api/auth/signup', { body: { email, password: PASSWORD } });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body;
}

function expectSignInRedirect(response: Response, what: string) {
  expect(response.status, what).toBe(307);
  expect(new URL(response.headers.get('location')!, app().url).pathname, what).toBe('/admin/jobs/sign-in');
}

describe('the jobs dashboard over HTTP', () => {
  it('sends every page to sign-in without a session, and with a forged, tampered or expired cookie', async () => {
    const id = await adminId();
    const now = Math.floor(Date.now() / 1000);
    const valid = craftSession(id, now + 600);
    const refused = {
      none: undefined,
      'signed with another secret': craftSession(id, now + 600, 'not-the-server-secret-0123456789abcdef'),
      // The issue time moved a minute on, the signature kept: a session made to last longer than we said.
      tampered: valid.replace(/\.(\d+)\.(?=[^.]+$)/, (_, issued: string) => `.${Number(issued) + 60_000}.`),
      expired: craftSession(id, now - 1),
      garbage: 'v2.not-a-session',
    };
    for (const pathname of PAGES) {
      for (const [what, cookie] of Object.entries(refused)) expectSignInRedirect(await get(pathname, cookie), `${pathname} with ${what}`);
    }
    // The same format signed with the server's secret is let in: the refusals above are about signature and expiry.
    const page = await get('/admin/jobs', valid);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(ADMIN_EMAIL);
    // An action with an expired session is a 401 for an API client, a trip to sign-in for a browser.
    const action = await post('/admin/jobs/1/actions', { action: 'retry' }, { cookie: refused.expired });
    expect(action.status).toBe(401);
    const browserAction = await post('/admin/jobs/1/actions', { action: 'retry' }, { cookie: refused.expired, html: true });
    expect(browserAction.status).toBe(303);
    expect(browserAction.headers.get('location')).toMatch(/^\/admin\/jobs\/sign-in\?error=/);
  });

  it('signs an admin in by API key or by email and password; wrong credentials 401, a non-admin 403, a missing field 400', async () => {
    const byKey = await post('/admin/jobs/session', { apiKey: adminKey });
    expect(byKey.status).toBe(303);
    expect(byKey.headers.get('location')).toBe('/admin/jobs');
    expect(byKey.headers.get('set-cookie')).toMatch(new RegExp(`^${COOKIE}=v2\\.[^;]+; Path=/; Max-Age=28800; HttpOnly; SameSite=Strict; Secure$`));
    expect((await get('/admin/jobs', sessionOf(byKey))).status).toBe(200);

    const wrongKey = await post('/admin/jobs/session', { apiKey: 'sk_not_a_real_key_at_all' });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.headers.get('set-cookie')).toBeNull();
    const shown = await post('/admin/jobs/session', { apiKey: 'sk_not_a_real_key_at_all' }, { html: true });
    expect(shown.status).toBe(303);
    const signedLocation = shown.headers.get('location')!;
    expect(decodeURIComponent(signedLocation)).toMatch(/^\/admin\/jobs\/sign-in\?error=Invalid API key&sig=[\w-]{32}$/);
    // The page shows the message its own redirect signed, and no text a link brings: a phishing line would read
    // as the dashboard's own words.
    expect([...(await (await get(signedLocation)).text()).matchAll(/<p class="banner[^"]*"[^>]*>([^<]*)<\/p>/g)].map((match) => match[1])).toEqual(['Invalid API key']);
    const forged = `/admin/jobs/sign-in?error=${encodeURIComponent('Session expired. Re-enter your key at https://evil.example')}`;
    for (const link of [forged, `${forged}&sig=${'A'.repeat(32)}`, signedLocation.replace('Invalid', 'Valid')]) {
      const page = await get(link);
      expect(page.status).toBe(200);
      // (The URL itself is in the page's router data; what matters is that no banner says it.)
      const banners = [...(await page.text()).matchAll(/<p class="banner[^"]*"[^>]*>([^<]*)<\/p>/g)].map((match) => match[1]);
      expect(banners, link).toEqual([]);
    }

    const user = await signUp('not-an-admin@example.com');
    const nonAdmin: Array<Record<string, string>> = [{ apiKey: user.apiKey }, { email: 'not-an-admin@example.com', password: PASSWORD }];
    for (const fields of nonAdmin) {
      const answer = await post('/admin/jobs/session', fields);
      expect(answer.status, JSON.stringify(Object.keys(fields))).toBe(403);
      expect(await answer.json()).toEqual({ error: 'Only admins can use the jobs dashboard' });
      expect(answer.headers.get('set-cookie')).toBeNull();
    }

    await signUp('ops@example.com');
    await query(`update users set role = 'ADMIN' where email = 'ops@example.com'`);
    const byPassword = await post('/admin/jobs/session', { email: 'ops@example.com', password: PASSWORD });
    expect(byPassword.status).toBe(303);
    expect(await (await get('/admin/jobs', sessionOf(byPassword))).text()).toContain('ops@example.com');
    const wrongPassword = await post('/admin/jobs/session', { email: 'ops@example.com', password: 'not the password' });
    expect(wrongPassword.status).toBe(401);
    expect(await wrongPassword.json()).toEqual({ error: 'Wrong email or password' });

    const missing = await post('/admin/jobs/session', { email: 'ops@example.com' });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { issues: Array<{ path: string }> }).issues.map((issue) => issue.path)).toEqual(['password']);
  });

  it('limits password guessing like POST /api/auth/signin, in the same counters: 10 per address, then 429 on both', async () => {
    const email = 'guessed-admin@example.com';
    for (let n = 0; n < 10; n += 1) expect((await post('/admin/jobs/session', { email, password: `guess number ${n}` })).status).toBe(401);
    const limited = await post('/admin/jobs/session', { email, password: 'one more guess' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call(app(), 'POST', '/api/auth/signin', { body: { email, password: 'and another' } })).status).toBe(429);
  });

  it('in production without ADMIN_SESSION_SECRET, says so on the sign-in page and signs no one in (503)', async () => {
    const page = await get('/admin/jobs/sign-in', undefined, unconfiguredUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('set <code>ADMIN_SESSION_SECRET</code>');
    const refused = await post('/admin/jobs/session', { apiKey: 'sk_whatever' }, { base: unconfiguredUrl });
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: string }).error).toMatch(/set ADMIN_SESSION_SECRET/);
    expectSignInRedirect(await get('/admin/jobs', undefined, unconfiguredUrl), 'the list without a secret');
  });

  it('refuses a cross-origin or Origin-less action with 403 and changes nothing; a same-origin retry is audited with the admin', async () => {
    const id = await failedJob();
    const session = await signInWithKey(adminKey);
    for (const origin of ['http://evil.example', null]) {
      const refused = await post(`/admin/jobs/${id}/actions`, { action: 'retry' }, { cookie: session, origin, html: true });
      expect(refused.status, `Origin ${origin}`).toBe(403);
      expect(await refused.json()).toEqual({ error: 'Cross-origin request refused' });
    }
    expect(await jobStatus(id)).toBe('FAILED');
    expect(await query(`select 1 from audit_logs where type = 'JOB_RETRIED'`)).toHaveLength(0);

    const retried = await post(`/admin/jobs/${id}/actions`, { action: 'retry' }, { cookie: session, html: true });
    expect(retried.status).toBe(303);
    expect(retried.headers.get('location')).toMatch(new RegExp(`^/admin/jobs/${id}\\?notice=`));
    await waitFor(async () => (await jobStatus(id)) === 'COMPLETED', { timeoutMs: 30_000, what: `job ${id} to complete after the retry` });
    const audit = await query<{ user_id: string; data: unknown }>(`select user_id, data from audit_logs where type = 'JOB_RETRIED'`);
    expect(audit).toEqual([{ user_id: await adminId(), data: { actor: `admin:${ADMIN_EMAIL}`, jobId: id } }]);

    const again = await post(`/admin/jobs/${id}/actions`, { action: 'retry' }, { cookie: session });
    expect(again.status).toBe(409);
    const bad = await post(`/admin/jobs/${id}/actions`, { action: 'explode' }, { cookie: session });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { issues: Array<{ path: string }> }).issues[0]!.path).toBe('action');

    const signedOut = await post('/admin/jobs/sign-out', {}, { cookie: session });
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('set-cookie')).toMatch(new RegExp(`^${COOKIE}=; Path=/; Max-Age=0;`));
  });

  it('ends the session on sign-out for every copy of the cookie, not only the browser that signed out', async () => {
    const copied = await signInWithKey(adminKey);
    const signedOut = await post('/admin/jobs/sign-out', {}, { cookie: await signInWithKey(adminKey) });
    expect(signedOut.status).toBe(303);
    expectSignInRedirect(await get('/admin/jobs', copied), 'the dashboard with a copy of a signed-out cookie');
    const action = await post('/admin/jobs/1/actions', { action: 'retry' }, { cookie: copied });
    expect(action.status).toBe(401);
    // Signing in again afterwards works.
    expect((await get('/admin/jobs', await signInWithKey(adminKey))).status).toBe(200);
  });
});

describe('job ids past what bigint holds', () => {
  it('name no job: the detail page and an action are 404, a list filter or cursor is a field error, nothing is a 500', async () => {
    // Signed with the server's secret as a sign-in would (the file's sign-ins stay inside the per-address limit).
    const session = sessionIssuedNow(await adminId());
    const tooBig = '9223372036854775808';
    expect((await get(`/admin/jobs/${tooBig}`, session)).status).toBe(404);
    expect((await get('/admin/jobs/9223372036854775807', session)).status).toBe(404);
    expect((await post(`/admin/jobs/${tooBig}/actions`, { action: 'retry' }, { cookie: session })).status).toBe(404);
    for (const query of [`id=${tooBig}`, `cursor=${tooBig}`]) {
      const list = await get(`/admin/jobs?${query}`, session);
      expect(list.status, query).toBe(200);
      expect(await list.text(), query).toMatch(/a job id is a positive whole number|not a page cursor/);
    }
  });
});

describe('the admin session against what opened it', () => {
  // A second admin: the reset below revokes its keys, which the other tests' admin must keep.
  it('ends when the admin revokes the API key it was opened with, and when the admin resets the password', async () => {
    const email = 'leaked-key-admin@example.com';
    const ownKey = await createAdmin(app().database!.url, email);
    const leaked = await call(app(), 'POST', '/api/keys', { key: ownKey, body: { name: 'leaked' } });
    expect(leaked.status).toBe(201);
    // The sessions here are issued by the test with the server's secret, byte for byte what a sign-in issues (a
    // session does not record the key that opened it), so this file's sign-ins stay inside the per-address limit.
    const [user] = await query<{ id: string }>(`select id from users where email = $1`, [email]);
    const opened = sessionIssuedNow(user!.id);
    expect((await get('/admin/jobs', opened)).status).toBe(200);
    expect((await call(app(), 'DELETE', `/api/keys/${leaked.body.id}`, { key: ownKey })).status).toBe(204);
    expectSignInRedirect(await get('/admin/jobs', opened), 'the dashboard with a session opened by a revoked key');
    expect((await get('/api/health/jobs', opened)).status).toBe(401);
    expect((await post('/admin/jobs/1/actions', { action: 'retry' }, { cookie: opened })).status).toBe(401);

    const beforeReset = sessionIssuedNow(user!.id);
    expect((await get('/admin/jobs', beforeReset)).status).toBe(200);
    expect((await call(app(), 'POST', '/api/auth/forgot-password', { body: { email } })).status).toBe(202);
    const [reset] = await waitForEmails(app(), 1, (e) => e.to === email && e.subject === 'Reset your password', 'the admin’s reset email');
    const answer = await call(app(), 'POST', '/api/auth/reset-password', { body: { token: tokenIn(reset!, 'reset-password'), password: 'a brand new passphrase' } });
    expect(answer.status).toBe(200);
    expectSignInRedirect(await get('/admin/jobs', beforeReset), 'the dashboard with a session from before the password reset');
    expect((await get('/admin/jobs', sessionIssuedNow(user!.id))).status).toBe(200);
  });
});

describe('the admin session beyond the dashboard', () => {
  it('opens /api/health/jobs for a signed-in admin; a forged or absent cookie is 401', async () => {
    const session = await signInWithKey(adminKey);
    const health = await get('/api/health/jobs', session);
    expect([200, 503], await health.clone().text()).toContain(health.status);
    expect(await health.json()).toMatchObject({ status: expect.any(String), breaches: expect.any(Array) });
    expect((await get('/api/health/jobs', craftSession(await adminId(), Math.floor(Date.now() / 1000) + 600, 'x'.repeat(40)))).status).toBe(401);
    expect((await get('/api/health/jobs')).status).toBe(401);
  });
});

describe('the jobs dashboard over HTTP: list and actions', () => {
  it('filters the list by status, job and id, and pages it with a keyset cursor, newest first', async () => {
    const session = await signInWithKey(adminKey);
    const cancelled = await copiesOfCronJob('expire-recipients-sweep', 'CANCELLED', 55);
    const first = await (await get('/admin/jobs?status=CANCELLED&definition=expire-recipients-sweep', session)).text();
    expect(listedIds(first)).toEqual(cancelled.slice(-50).reverse());
    const older = /href="(\/admin\/jobs\?[^"]*cursor=\d+[^"]*)"/.exec(first)![1]!.replaceAll('&amp;', '&');
    expect(new URL(older, app().url).searchParams.get('status')).toBe('CANCELLED');
    const second = await (await get(older, session)).text();
    expect(listedIds(second)).toEqual(cancelled.slice(0, 5).reverse());
    expect(second).not.toContain('rel="next"');
    expect(listedIds(await (await get(`/admin/jobs?id=${cancelled[3]}`, session)).text())).toEqual([cancelled[3]]);
    const invalid = await (await get('/admin/jobs?status=LOST', session)).text();
    expect(invalid).toContain('role="alert"');
    expect(invalid).toContain('status:');
  });

  it('replays a COMPLETED job, cancels a PENDING one with a reason and retries the failed ones in bulk, each audited with the admin', async () => {
    const session = await signInWithKey(adminKey);
    const admin = await adminId();
    const [completed] = await query<{ id: string }>(`select min(id)::text as id from background_jobs where job_id = 'document-cleanup' and status = 'COMPLETED'`);
    const replayed = await post(`/admin/jobs/${completed!.id}/actions`, { action: 'replay' }, { cookie: session, html: true });
    expect(replayed.status).toBe(303);
    const newId = /^\/admin\/jobs\/(\d+)\?notice=/.exec(replayed.headers.get('location')!)![1]!;
    await waitFor(async () => (await jobStatus(newId)) === 'COMPLETED', { timeoutMs: 30_000, what: `replay ${newId} to complete` });

    const [pending] = await copiesOfCronJob('document-cleanup', 'PENDING', 1);
    expect((await post(`/admin/jobs/${pending}/actions`, { action: 'cancel', reason: 'sent twice' }, { cookie: session })).status).toBe(303);
    const [row] = await query<{ status: string; cancel_reason: string }>(`select status, cancel_reason from background_jobs where id = $1`, [pending]);
    expect(row).toEqual({ status: 'CANCELLED', cancel_reason: `admin:${ADMIN_EMAIL}: sent twice` });
    expect((await post(`/admin/jobs/${pending}/actions`, { action: 'cancel' }, { cookie: session })).status).toBe(409);

    const failed = await copiesOfCronJob('document-cleanup', 'FAILED', 2);
    const bulk = await post('/admin/jobs/retry-failed', { definition: 'document-cleanup' }, { cookie: session, html: true });
    expect(bulk.status).toBe(303);
    expect(new URL(bulk.headers.get('location')!, app().url).searchParams.get('notice')).toMatch(/^Retried [2-9]\d* failed jobs\.$/);
    for (const id of failed) await waitFor(async () => (await jobStatus(id)) === 'COMPLETED', { timeoutMs: 30_000, what: `job ${id} to complete after the bulk retry` });

    const audit = await query<{ type: string; user_id: string; data: Record<string, unknown> }>(
      `select type, user_id, data from audit_logs where type in ('JOB_REPLAYED', 'JOB_CANCELLED', 'JOBS_RETRIED') order by id`,
    );
    expect(audit).toEqual([
      { type: 'JOB_REPLAYED', user_id: admin, data: { actor: `admin:${ADMIN_EMAIL}`, jobId: completed!.id, newJobId: newId } },
      { type: 'JOB_CANCELLED', user_id: admin, data: { actor: `admin:${ADMIN_EMAIL}`, jobId: pending, reason: `admin:${ADMIN_EMAIL}: sent twice` } },
      { type: 'JOBS_RETRIED', user_id: admin, data: expect.objectContaining({ actor: `admin:${ADMIN_EMAIL}`, definition: 'document-cleanup', count: expect.any(Number) }) },
    ]);
    expect(audit[2]!.data.count).toBeGreaterThanOrEqual(2);
  });

  it('shows webhook deliveries and emails, read-only, filtered by status, and never an email body', async () => {
    const session = await signInWithKey(adminKey);
    const [webhook] = await query<{ id: string }>(
      `insert into webhooks (owner_id, url, secret, events) values ($1, 'https://hooks.example.com/support', 'whsec_c3VwcG9ydA==', '{document.completed}') returning id`,
      [await adminId()],
    );
    await query(
      `insert into webhook_deliveries (webhook_id, event, message_id, payload, attempt, status_code, duration_ms, error)
       values ($1, 'document.completed', 'msg_delivered', '{}', 1, 200, 12, null), ($1, 'document.completed', 'msg_refused', '{}', 2, 500, 30, 'HTTP 500'),
              ($1, 'document.completed', 'msg_unreachable', '{}', 3, null, 10000, 'timed out after 10000 ms')`,
      [webhook!.id],
    );
    const deliveries = async (filter: string) => {
      const html = await (await get(`/admin/jobs/deliveries${filter}`, session)).text();
      return ['msg_delivered', 'msg_refused', 'msg_unreachable'].filter((id) => html.includes(id));
    };
    expect(await deliveries('')).toEqual(['msg_delivered', 'msg_refused', 'msg_unreachable']);
    expect(await deliveries('?status=ok')).toEqual(['msg_delivered']);
    expect(await deliveries('?status=failed')).toEqual(['msg_refused', 'msg_unreachable']);
    expect(await (await get('/admin/jobs/deliveries?status=maybe', session)).text()).toContain('status: expected one of ok, failed');

    await query(
      `insert into email_messages ("to", subject, html, text, provider, idempotency_key, status, error, sent_at)
       values ('sent@example.com', 'Sent one', '<a href="https://x/sign/sgn_live">sign</a>', 'https://x/sign/sgn_live', 'outbox', 'support/1', 'SENT', null, now()),
              ('failed@example.com', 'Failed one', 'body', 'body', 'resend', 'support/2', 'FAILED', 'Resend answered 422', null)`,
    );
    const sent = await (await get('/admin/jobs/emails?status=SENT', session)).text();
    expect(sent).toContain('sent@example.com');
    expect(sent).not.toContain('failed@example.com');
    expect(sent).not.toContain('sgn_live');
    const failed = await (await get('/admin/jobs/emails?status=FAILED', session)).text();
    expect(failed).toContain('Resend answered 422');
    expect(failed).not.toContain('sent@example.com');
  });

  it('on Inngest, says the jobs live there and links to its dashboard, refuses job actions (409), and still shows the email log', async () => {
    const signedIn = await post('/admin/jobs/session', { apiKey: adminKey }, { base: inngestUrl });
    expect(signedIn.status).toBe(303);
    const session = sessionOf(signedIn);
    for (const pathname of ['/admin/jobs', '/admin/jobs/1', '/admin/jobs/metrics', '/admin/jobs/cron']) {
      const page = await get(pathname, session, inngestUrl);
      expect(page.status, pathname).toBe(200);
      const html = await page.text();
      expect(html, pathname).toContain('data-testid="no-inspector"');
      // INNGEST_DEV without INNGEST_BASE_URL: the dev server's runs page (externalDashboardUrl).
      expect(html, pathname).toContain('href="http://127.0.0.1:8288/runs"');
    }
    const action = await post('/admin/jobs/1/actions', { action: 'retry' }, { cookie: session, base: inngestUrl });
    expect(action.status).toBe(409);
    expect(((await action.json()) as { error: string }).error).toMatch(/inngest provider keeps its jobs elsewhere/);
    const emails = await get('/admin/jobs/emails', session, inngestUrl);
    expect(emails.status).toBe(200);
    expect(await emails.text()).toContain('<h1>Email log</h1>');
  });
});

describe('the jobs dashboard in a browser', () => {
  it('signs in, filters, retries a failed job until it is COMPLETED, shows metrics and cron figures, signs out', async () => {
    const id = await failedJob();
    await signUp('emailed@example.com');
    await mkdir(ARTIFACTS, { recursive: true });
    const shots: string[] = [];
    const shoot = async (page: Page, name: string) => {
      const file = path.join(ARTIFACTS, `admin-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      shots.push(file);
    };

    await withBrowser({}, async (browser) => {
      // The dashboard runs under the pages' CSP (nonce scripts, no inline styles): any violation fails the test.
      const violations = await recordCspViolations(browser);
      const page = await browser.newPage();
      await page.goto(`${app().url}/admin/jobs`);
      expect(new URL(page.url()).pathname).toBe('/admin/jobs/sign-in');
      await shoot(page, 'sign-in');
      await page.locator('input[name=apiKey]').fill(adminKey);
      await page.getByRole('button', { name: 'Sign in with key' }).click();
      await page.waitForURL((url) => url.pathname === '/admin/jobs');
      await expect(page.getByTestId('count-COMPLETED').locator('.figure').textContent()).resolves.toMatch(/^[1-9]/);
      await shoot(page, 'jobs');

      await page.locator('select[name=status]').selectOption('FAILED');
      await page.locator('select[name=definition]').selectOption('document-cleanup');
      await page.getByRole('button', { name: 'Filter', exact: true }).click();
      await page.waitForURL((url) => url.searchParams.get('status') === 'FAILED' && url.searchParams.get('definition') === 'document-cleanup');
      const rows = page.locator('table[aria-label=Jobs] tbody tr');
      await expect(rows.count()).resolves.toBeGreaterThan(0);
      expect(new Set(await rows.locator('.badge').allTextContents())).toEqual(new Set(['FAILED']));
      await shoot(page, 'jobs-failed');

      await page.getByRole('link', { name: id, exact: true }).click();
      await page.waitForURL((url) => url.pathname === `/admin/jobs/${id}`);
      await expect(page.getByTestId('last-error').textContent()).resolves.toContain('purge failed (injected by the test)');
      await shoot(page, 'job-failed');
      await page.getByRole('button', { name: 'Retry', exact: true }).click();
      await page.waitForURL((url) => url.searchParams.has('notice'));
      await waitFor(
        async () => {
          await page.reload();
          return (await page.locator('section.panel .badge').first().textContent()) === 'COMPLETED';
        },
        { timeoutMs: 30_000, intervalMs: 250, what: `job ${id} to show COMPLETED` },
      );
      await expect(page.getByRole('button', { name: 'Replay' }).count()).resolves.toBe(1);
      await shoot(page, 'job-retried');

      await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Metrics' }).click();
      await page.waitForURL((url) => url.pathname === '/admin/jobs/metrics');
      await expect(page.getByTestId('metric-completed').locator('.figure').textContent()).resolves.toMatch(/^[1-9]/);
      await expect(page.getByTestId('metric-success-rate').locator('.figure').textContent()).resolves.toMatch(/^\d+\.\d%$/);
      await expect(page.locator('[data-testid=completions-chart] rect[data-series=completed]').count()).resolves.toBeGreaterThan(0);
      await expect(page.locator('table[aria-label="Metrics per job"] tbody tr', { hasText: 'document-cleanup' }).count()).resolves.toBe(1);
      await shoot(page, 'metrics');

      await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Cron' }).click();
      await page.waitForURL((url) => url.pathname === '/admin/jobs/cron');
      for (const definition of ['expire-recipients-sweep', 'audit-cleanup', 'document-cleanup']) {
        const row = page.locator(`tr[data-cron="${definition}"]`);
        await expect(row.locator('td').nth(3).textContent(), definition).resolves.toMatch(/job \d+/);
        await expect(row.locator('td').nth(4).textContent(), definition).resolves.toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
      }
      await shoot(page, 'cron');

      await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Emails' }).click();
      await page.waitForURL((url) => url.pathname === '/admin/jobs/emails');
      await waitFor(
        async () => {
          await page.reload();
          return (await page.locator('table[aria-label=Emails] tbody tr', { hasText: 'emailed@example.com' }).count()) > 0;
        },
        { timeoutMs: 30_000, intervalMs: 250, what: 'the verification email in the email log' },
      );
      await shoot(page, 'emails');
      await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Deliveries' }).click();
      await page.waitForURL((url) => url.pathname === '/admin/jobs/deliveries');
      await expect(page.locator('h1').textContent()).resolves.toBe('Webhook deliveries');

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL((url) => url.pathname === '/admin/jobs/sign-in');
      await page.goto(`${app().url}/admin/jobs/metrics`);
      expect(new URL(page.url()).pathname).toBe('/admin/jobs/sign-in');
      expect(violations).toEqual([]);
    });
    console.log(`admin dashboard screenshots:\n${shots.map((file) => `  ${file}`).join('\n')}`);
  });
});
