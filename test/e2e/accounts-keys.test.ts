// Sign-in and API keys on the built app (issue "Security hardening", finding 7), on the quick-start configuration
// (embedded PGlite, whose rate-limit counters live in its own table): a password is checked by sign-in, which
// hands out a named key; keys are listed, created and revoked; a password reset revokes them all. And production
// refuses WEBHOOK_ALLOW_PRIVATE=true. TRUST_PROXY is unset here, so X-Forwarded-For must not move a client into a
// fresh rate-limit bucket.
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait-for';
import { freePort, spawnNextStart } from './support/app-process';
import { defineConfiguration } from './support/configuration';
import { call, tokenIn, waitForEmails } from './support/user-agent';

const PASSWORD = 'correct horse battery';

const app = defineConfiguration('accounts-keys', async (setup) => {
  const { url } = await setup.startWeb({ PGLITE_DATA_DIR: await setup.tempDir() });
  return { url };
});

async function signUp(email: string): Promise<{ id: string; apiKey: string }> {
  const answer = await call(app(), 'POST', '/api/auth/signup', { body: { email, password: PASSWORD } });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body;
}

/** POST /api/auth/signin from a given local source address (each one its own client to the app). */
function signInFrom(localAddress: string, email: string, password: string): Promise<{ status: number; body: string }> {
  const target = new URL('/api/auth/signin', app().url);
  const payload = JSON.stringify({ email, password });
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

describe('sign-in and API keys', () => {
  it('signs in with email and password: 201 with a new named key that works; a wrong password and an unknown address are the same 401', async () => {
    const user = await signUp('signin@example.com');
    const signedIn = await call(app(), 'POST', '/api/auth/signin', { body: { email: 'SignIn@example.com', password: PASSWORD, keyName: 'laptop' } });
    expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(201);
    expect(signedIn.body).toMatchObject({ id: expect.any(String), name: 'laptop', userId: user.id, apiKey: expect.stringMatching(/^sk_/) });
    expect(signedIn.body.apiKey).not.toBe(user.apiKey);
    expect((await call(app(), 'GET', '/api/webhooks', { key: signedIn.body.apiKey })).status).toBe(200);

    const wrong = await call(app(), 'POST', '/api/auth/signin', { body: { email: 'signin@example.com', password: 'not the password' } });
    const unknown = await call(app(), 'POST', '/api/auth/signin', { body: { email: 'nobody-here@example.com', password: PASSWORD } });
    expect(wrong).toMatchObject({ status: 401, body: { error: 'Wrong email or password' } });
    expect(unknown.body).toEqual(wrong.body);
    expect(unknown.status).toBe(401);
    const bad = await call(app(), 'POST', '/api/auth/signin', { body: { email: 'not-an-address', password: PASSWORD } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((issue: { path: string }) => issue.path)).toEqual(['email']);
  });

  it('creates, lists and revokes keys: a revoked key is 401 at once, another user’s key id is 404', async () => {
    const user = await signUp('keys@example.com');
    const other = await signUp('other-keys@example.com');
    const created = await call(app(), 'POST', '/api/keys', { key: user.apiKey, body: { name: 'ci' } });
    expect(created).toMatchObject({ status: 201, body: { id: expect.any(String), name: 'ci', apiKey: expect.stringMatching(/^sk_/) } });
    const listed = await call(app(), 'GET', '/api/keys', { key: created.body.apiKey });
    expect(listed.status).toBe(200);
    expect(listed.body.keys.map((key: { name: string }) => key.name)).toEqual(['sign-up', 'ci']);
    expect(JSON.stringify(listed.body)).not.toContain('sk_');
    expect((await call(app(), 'POST', '/api/keys', { key: user.apiKey, body: {} })).body.issues[0].path).toBe('name');

    expect((await call(app(), 'DELETE', `/api/keys/${created.body.id}`, { key: other.apiKey })).status).toBe(404);
    expect((await call(app(), 'DELETE', `/api/keys/${created.body.id}`, { key: user.apiKey })).status).toBe(204);
    expect((await call(app(), 'GET', '/api/keys', { key: created.body.apiKey })).status).toBe(401);
    expect((await call(app(), 'GET', '/api/keys', { key: user.apiKey })).body.keys.map((key: { name: string }) => key.name)).toEqual(['sign-up']);
  });

  it('holds at most 100 keys per user: POST /api/keys is a 409 naming the way out, a sign-in replaces the oldest key of its name', async () => {
    const user = await signUp('many-keys@example.com');
    const signIn = (keyName?: string) => call(app(), 'POST', '/api/auth/signin', { body: { email: 'many-keys@example.com', password: PASSWORD, keyName } });
    const firstSignIn = await signIn();
    expect(firstSignIn.status).toBe(201);
    for (let n = 0; n < 98; n++) expect((await call(app(), 'POST', '/api/keys', { key: user.apiKey, body: { name: `ci-${n}` } })).status).toBe(201);
    const names = async () => (await call(app(), 'GET', '/api/keys', { key: user.apiKey })).body.keys.map((key: { name: string }) => key.name) as string[];
    expect(await names()).toHaveLength(100);

    const refused = await call(app(), 'POST', '/api/keys', { key: user.apiKey, body: { name: 'one-too-many' } });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/100 API keys.*DELETE \/api\/keys\/<id>/);
    expect(await names()).not.toContain('one-too-many');

    // Signing in still works: the oldest key named sign-in goes (it is 401 from now on), no other.
    const again = await signIn();
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect((await call(app(), 'GET', '/api/keys', { key: firstSignIn.body.apiKey })).status).toBe(401);
    expect((await call(app(), 'GET', '/api/keys', { key: again.body.apiKey })).status).toBe(200);
    const after = await names();
    expect(after).toHaveLength(100);
    expect(after.filter((name) => name.startsWith('ci-'))).toHaveLength(98);
    // No key of that name to replace: refused like POST /api/keys, nothing removed.
    expect((await signIn('laptop')).status).toBe(409);
    expect(await names()).toEqual(after);
  });

  it('revokes every key of the account on a password reset; the old password no longer signs in, the new one does', async () => {
    const email = 'reset-keys@example.com';
    const user = await signUp(email);
    const second = await call(app(), 'POST', '/api/auth/signin', { body: { email, password: PASSWORD } });
    expect(second.status).toBe(201);
    expect((await call(app(), 'POST', '/api/auth/forgot-password', { body: { email } })).status).toBe(202);
    const [reset] = await waitForEmails(app(), 1, (e) => e.to === email && e.subject === 'Reset your password', 'the reset email');
    expect((await call(app(), 'POST', '/api/auth/reset-password', { body: { token: tokenIn(reset!, 'reset-password'), password: 'a brand new passphrase' } })).status).toBe(200);

    for (const key of [user.apiKey, second.body.apiKey]) expect((await call(app(), 'GET', '/api/webhooks', { key })).status).toBe(401);
    expect((await call(app(), 'POST', '/api/auth/signin', { body: { email, password: PASSWORD } })).status).toBe(401);
    const fresh = await call(app(), 'POST', '/api/auth/signin', { body: { email, password: 'a brand new passphrase' } });
    expect(fresh.status).toBe(201);
    expect((await call(app(), 'GET', '/api/keys', { key: fresh.body.apiKey })).body.keys.map((key: { name: string }) => key.name)).toEqual(['sign-in']);
  });

  it('limits password guessing per account (10 tries from one address, then 429 even with the right password; 50 from all) and ignores a spoofed X-Forwarded-For', async () => {
    const email = 'guessed@example.com';
    await signUp(email);
    for (let n = 0; n < 10; n += 1) {
      const answer = await call(app(), 'POST', '/api/auth/signin', { body: { email, password: `guess number ${n}` }, headers: { 'x-forwarded-for': `192.0.2.${n}` } });
      expect(answer.status).toBe(401);
    }
    const right = await call(app(), 'POST', '/api/auth/signin', { body: { email, password: PASSWORD } });
    expect(right.status).toBe(429);
    // The owner at another address is not locked out by the guesser's ten (loopback: any 127/8 source reaches the app).
    expect((await signInFrom('127.0.0.2', email, PASSWORD)).status).toBe(201);
    // Across addresses the account allows 50 in 15 minutes (the 11 counted so far, the owner's included): 39 more
    // from four more addresses, each under its own 10, then none from anywhere.
    for (let n = 0; n < 39; n += 1) expect((await signInFrom(`127.0.0.${3 + Math.floor(n / 10)}`, email, `guess ${n}`)).status).toBe(401);
    expect((await signInFrom('127.0.0.7', email, PASSWORD)).status).toBe(429);

    // forgot-password allows 20 an hour per client address; a new X-Forwarded-For each time changes nothing.
    let status = 0;
    for (let n = 0; n < 25 && status !== 429; n += 1) {
      status = (await call(app(), 'POST', '/api/auth/forgot-password', { body: { email: `spoof-${n}@example.com` }, headers: { 'x-forwarded-for': `192.0.2.${100 + n}` } })).status;
    }
    expect(status).toBe(429);
  });

  it('answers 503 saying the database is not answering while it does not, never its address (a 500 before)', async () => {
    const port = await freePort();
    // A PostgreSQL server that is down: nothing listens on port 1.
    const child = spawnNextStart('web-database-down', port, { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing', PUBLIC_WEBAPP_URL: `http://127.0.0.1:${port}` });
    try {
      const health = await waitFor(() => fetch(`http://127.0.0.1:${port}/api/health`).catch(() => undefined), { timeoutMs: 60_000, intervalMs: 100, what: 'the app to answer' });
      expect(health.status).toBe(503);
      for (const [method, route, body] of [
        ['POST', '/api/auth/signup', { email: 'db-down@example.com', password: PASSWORD }],
        ['POST', '/api/auth/signin', { email: 'db-down@example.com', password: PASSWORD }],
        ['POST', '/api/auth/forgot-password', { email: 'db-down@example.com' }],
      ] as const) {
        const answer = await fetch(`http://127.0.0.1:${port}${route}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        const text = await answer.text();
        expect(answer.status, `${route}: ${text}`).toBe(503);
        expect(JSON.parse(text)).toEqual({ error: 'The database is not answering. Try again shortly.' });
      }
      // Production with no RESEND_API_KEY (this process has none): said at start, since no email would ever leave.
      expect(child.output()).toContain('RESEND_API_KEY is not set: emails (verification, signing invitations, resets) are only recorded');
    } finally {
      await child.stop();
    }
  });

  it('refuses to start in production with WEBHOOK_ALLOW_PRIVATE=true, naming the variable and WEBHOOK_ALLOWED_HOSTS, and exits 1', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'e2e-refused-'));
    const port = await freePort();
    const child = spawnNextStart('web-allow-private', port, { PGLITE_DATA_DIR: dir, WEBHOOK_ALLOW_PRIVATE: 'true', PUBLIC_WEBAPP_URL: `http://127.0.0.1:${port}` });
    try {
      const outcome = await Promise.race([
        child.waitForLine(/WEBHOOK_ALLOW_PRIVATE: is refused in production/, 60_000).then(() => 'refused'),
        waitFor(() => fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false), { timeoutMs: 60_000, intervalMs: 100 }).then(() => 'started and healthy'),
      ]);
      expect(outcome, child.output()).toBe('refused');
      expect(child.output()).toContain('WEBHOOK_ALLOWED_HOSTS');
      // It exits: a supervisor (or `npm start` in a terminal) sees the failure instead of a server answering 500s.
      const exit = await Promise.race([child.exited, new Promise((resolve) => setTimeout(() => resolve('still running after 30 s'), 30_000).unref())]);
      expect(exit, child.output()).toBe(1);
      const health = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.status, () => 'no answer');
      expect(health).toBe('no answer');
    } finally {
      await child.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
