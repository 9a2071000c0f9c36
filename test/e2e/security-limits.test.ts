// Rate limits and caps on the built app (issue "Security hardening", finding 1): sign-up, forgot-password, reset,
// verify, sign and document send are limited per client address and per target, with 429 + Retry-After; an
// unverified account cannot send; webhooks and daily recipients are capped; the counters live in PostgreSQL, so a
// second instance on the same database sees them. TRUST_PROXY=1 here, as behind one proxy: each test names its own
// client addresses in X-Forwarded-For, so the per-address buckets of one test never touch another's.
import { describe, expect, it } from 'vitest';
import { defineConfiguration, localJobsSettled } from './support/configuration';
import { call, emails, registerWebhook, tokenIn, waitForEmails, type Answer, type WebhookEndpoint } from './support/user-agent';

const PASSWORD = 'correct horse battery';
let secondUrl = '';

const app = defineConfiguration('security-limits', async (setup) => {
  const database = await setup.database();
  const env = { DATABASE_URL: database.url, TRUST_PROXY: '1' };
  const { url } = await setup.startWeb(env);
  // Another instance of the app on the same database, web only: limits must hold across instances.
  secondUrl = (await setup.startWeb({ ...env, JOBS_SERVER_DISABLED: 'true' }, 'web-2')).url;
  return { url, database, settled: localJobsSettled(database) };
});

const from = (ip: string) => ({ 'x-forwarded-for': ip });

/** A 429 naming the limit, with a Retry-After in seconds (when the answer carries headers). */
function expectLimited(answer: Pick<Answer, 'status' | 'body'> & { retryAfter?: string | null }) {
  expect(answer.status, JSON.stringify(answer.body)).toBe(429);
  expect(answer.body.error).toMatch(/Too many requests/);
  if (answer.retryAfter !== undefined) expect(Number(answer.retryAfter)).toBeGreaterThan(0);
}

/** A POST from client address `ip` to one of the instances; returns the Retry-After header too. */
async function post(url: string, path: string, body: unknown, ip: string): Promise<{ status: number; retryAfter: string | null; body: Answer['body'] }> {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...from(ip) }, body: JSON.stringify(body) });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json().catch(() => null) };
}

async function signUpVerified(email: string, ip: string): Promise<{ id: string; apiKey: string }> {
  const signedUp = await call(app(), 'POST', '/api/auth/signup', { body: { email, password: PASSWORD }, headers: from(ip) });
  expect(signedUp.status, JSON.stringify(signedUp.body)).toBe(201);
  const [verification] = await waitForEmails(app(), 1, (e) => e.to === email && e.subject === 'Confirm your email address', `verification for ${email}`);
  expect((await call(app(), 'POST', '/api/auth/verify', { body: { token: tokenIn(verification!, 'verify-email') }, headers: from(ip) })).status).toBe(200);
  return { id: signedUp.body.id, apiKey: signedUp.body.apiKey };
}

describe('rate limits and caps', () => {
  it('sends one reset email for 40 forgot-password calls to one address from 40 client addresses; the rest are 429 with Retry-After', async () => {
    const victim = 'inbox-flood@example.com';
    expect((await call(app(), 'POST', '/api/auth/signup', { body: { email: victim, password: PASSWORD }, headers: from('198.51.100.250') })).status).toBe(201);
    const answers = [];
    for (let n = 0; n < 40; n += 1) answers.push(await post(app().url, '/api/auth/forgot-password', { email: victim }, `198.51.100.${n + 1}`));
    expect(answers[0]!.status).toBe(202);
    for (const answer of answers.slice(1)) {
      expectLimited(answer);
      expect(Number(answer.retryAfter)).toBeLessThanOrEqual(300);
    }
    await waitForEmails(app(), 1, (e) => e.to === victim && e.subject === 'Reset your password', 'the one reset email');
    await app().settled();
    expect(emails(app()).filter((e) => e.to === victim && e.subject === 'Reset your password')).toHaveLength(1);
  });

  it('holds a limit across instances: the counter one instance wrote stops the same request on the other', async () => {
    const address = 'two-instances@example.com';
    expect((await post(app().url, '/api/auth/forgot-password', { email: address }, '198.51.100.201')).status).toBe(202);
    expectLimited(await post(secondUrl, '/api/auth/forgot-password', { email: address }, '198.51.100.202'));
    const [row] = await app().database!.handle.sql.query<{ counters: string }>(`select count(*)::text as counters from rate_limits where key like 'forgot-password-per-email:%'`);
    expect(Number(row!.counters)).toBeGreaterThan(0);
  });

  it('limits one client address: forgot-password for 20 addresses, then 429; sign-up 10 times, then 429', async () => {
    const ip = '203.0.113.10';
    for (let n = 0; n < 20; n += 1) expect((await post(app().url, '/api/auth/forgot-password', { email: `sweep-${n}@example.com` }, ip)).status).toBe(202);
    expectLimited(await post(app().url, '/api/auth/forgot-password', { email: 'sweep-20@example.com' }, ip));

    const signupIp = '203.0.113.11';
    for (let n = 0; n < 10; n += 1) expect((await post(app().url, '/api/auth/signup', { email: `spam-${n}@example.com`, password: PASSWORD }, signupIp)).status).toBe(201);
    expectLimited(await post(app().url, '/api/auth/signup', { email: 'spam-10@example.com', password: PASSWORD }, signupIp));
    // Another client address is not affected.
    expect((await post(app().url, '/api/auth/signup', { email: 'spam-10@example.com', password: PASSWORD }, '203.0.113.12')).status).toBe(201);
  });

  it('limits guessing: 20 unknown reset tokens, 20 verify tokens, 10 tries of one signing token, then 429', async () => {
    for (let n = 0; n < 20; n += 1) expect((await post(app().url, '/api/auth/reset-password', { token: `rst_guess_${n}_0123456789`, password: 'a new long passphrase' }, '203.0.113.20')).status).toBe(404);
    expectLimited(await post(app().url, '/api/auth/reset-password', { token: 'rst_guess_20_0123456789', password: 'a new long passphrase' }, '203.0.113.20'));
    for (let n = 0; n < 20; n += 1) expect((await post(app().url, '/api/auth/verify', { token: `vrf_guess_${n}_0123456789` }, '203.0.113.21')).status).toBe(404);
    expectLimited(await post(app().url, '/api/auth/verify', { token: 'vrf_guess_20_0123456789' }, '203.0.113.21'));
    // One signing token from ten client addresses: the per-token limit, whatever the address.
    for (let n = 0; n < 10; n += 1) expect((await post(app().url, '/api/sign/sgn_one_guessed_token', { action: 'sign' }, `203.0.113.${100 + n}`)).status).toBe(404);
    expectLimited(await post(app().url, '/api/sign/sgn_one_guessed_token', { action: 'sign' }, '203.0.113.110'));
  });

  it('lets only a verified account send a document: 403 before the emailed link is used, 202 after', async () => {
    const email = 'unverified-sender@example.com';
    const signedUp = await call(app(), 'POST', '/api/auth/signup', { body: { email, password: PASSWORD }, headers: from('203.0.113.30') });
    const key = signedUp.body.apiKey as string;
    const created = await call(app(), 'POST', '/api/documents', { key, body: { title: 'Cheap pills', recipients: [{ email: 'stranger-1@example.com' }] } });
    expect(created.status).toBe(201);
    const refused = await call(app(), 'POST', `/api/documents/${created.body.id}/send`, { key, headers: from('203.0.113.30') });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatch(/Confirm your email address/);

    const [verification] = await waitForEmails(app(), 1, (e) => e.to === email && e.subject === 'Confirm your email address', 'the verification email');
    expect((await call(app(), 'POST', '/api/auth/verify', { body: { token: tokenIn(verification!, 'verify-email') }, headers: from('203.0.113.30') })).status).toBe(200);
    expect((await call(app(), 'POST', `/api/documents/${created.body.id}/send`, { key, headers: from('203.0.113.30') })).status).toBe(202);
    await app().settled();
    expect(emails(app()).filter((e) => e.to === 'stranger-1@example.com')).toHaveLength(1);
  });

  it('caps an account at 10 webhooks (409 for the 11th) and 200 invited recipients a day (429 past it)', async () => {
    const owner = await signUpVerified('busy-sender@example.com', '203.0.113.40');
    const endpoints: WebhookEndpoint[] = [];
    try {
      for (let n = 0; n < 10; n += 1) endpoints.push(await registerWebhook(app(), owner.apiKey, ['document.completed']));
      const eleventh = await call(app(), 'POST', '/api/webhooks', { key: owner.apiKey, body: { url: app().webhooks.openRoute().url, events: ['document.completed'] } });
      expect(eleventh.status).toBe(409);
      expect(eleventh.body.error).toMatch(/at most 10 webhooks/);
    } finally {
      await Promise.all(endpoints.map((endpoint) => endpoint.close()));
    }

    const document = async (count: number, batch: number) => {
      const recipients = Array.from({ length: count }, (_, n) => ({ email: `bulk-${batch}-${n}@example.com` }));
      const created = await call(app(), 'POST', '/api/documents', { key: owner.apiKey, body: { title: `Batch ${batch}`, recipients } });
      expect(created.status).toBe(201);
      return call(app(), 'POST', `/api/documents/${created.body.id}/send`, { key: owner.apiKey, headers: from('203.0.113.41') });
    };
    for (let batch = 0; batch < 4; batch += 1) expect((await document(50, batch)).status).toBe(202);
    const over = await document(1, 4);
    expectLimited(over);
    expect(over.body.error).toContain('recipients-per-user');
    await app().settled();
    expect(emails(app()).filter((e) => e.to.startsWith('bulk-'))).toHaveLength(200);
  });
});
