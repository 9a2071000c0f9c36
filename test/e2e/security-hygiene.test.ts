// Security hygiene of the built app, as an attacker sees it from the network: a NUL byte in any text field is a 400
// naming the field and the server logs no query parameters; every page carries the security headers and passes its
// own Content-Security-Policy in Chromium (scripts run, the forms work, no violation is reported); and sent emails do
// not keep their live links: the cleanup empties sent bodies past EMAIL_BODY_RETENTION_HOURS and deletes rows past
// EMAIL_LOG_RETENTION_DAYS. One `next start` on PostgreSQL with the in-process worker.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { hashToken } from '../../src/domain/tokens';
import type { AppProcess } from './support/app-process';
import { recordCspViolations, withBrowser } from './support/browser';
import { defineConfiguration, localJobsSettled } from './support/configuration';
import { call, tokenIn, waitForEmails } from './support/user-agent';

const CRON_SECRET = 'e2e-cron-secret-0123456789';
const PASSWORD = 'correct horse battery';
let web: AppProcess | undefined;

const app = defineConfiguration('security-hygiene', async (setup) => {
  const database = await setup.database();
  // Body retention 0: the cleanup redacts every sent body it finds, so the test needs no clock games.
  const started = await setup.startWeb({ DATABASE_URL: database.url, CRON_SECRET, EMAIL_BODY_RETENTION_HOURS: '0', EMAIL_LOG_RETENTION_DAYS: '30' });
  web = started.process;
  return { url: started.url, database, settled: localJobsSettled(database) };
});

async function signUp(email: string): Promise<{ id: string; apiKey: string }> {
  const answer = await call(app(), 'POST', '/api/auth/signup', { body: { email, password: PASSWORD, name: 'Nora' } });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body;
}

/** Only verified accounts may send documents (issue 12, finding 1); these tests are about other things. */
async function markVerified(userId: string): Promise<void> {
  await app().database!.handle.sql.query('update users set email_verified_at = now() where id = $1', [userId]);
}

describe('a NUL byte in a text field', () => {
  it('is a 400 naming the field, for sign-up and documents, and the log shows no query, parameter or hash', async () => {
    const before = web!.output().length;
    const signup = await call(app(), 'POST', '/api/auth/signup', { body: { email: 'nul@example.com', password: PASSWORD, name: 'a\u0000b' } });
    expect(signup.status, JSON.stringify(signup.body)).toBe(400);
    expect(signup.body.issues).toEqual([expect.objectContaining({ path: 'name' })]);

    const owner = await signUp('nul-owner@example.com');
    const title = await call(app(), 'POST', '/api/documents', { key: owner.apiKey, body: { title: 'NDA\u0000', recipients: [{ email: 'r@example.com' }] } });
    expect(title.status, JSON.stringify(title.body)).toBe(400);
    expect(title.body.issues).toEqual([expect.objectContaining({ path: 'title' })]);
    const recipient = await call(app(), 'POST', '/api/documents', { key: owner.apiKey, body: { title: 'NDA', recipients: [{ email: 'r@example.com', name: '\u0000' }] } });
    expect(recipient.status, JSON.stringify(recipient.body)).toBe(400);
    expect(recipient.body.issues).toEqual([expect.objectContaining({ path: 'recipients.0.name' })]);
    // An object key is a text field too.
    const key = await call(app(), 'POST', '/api/auth/forgot-password', { body: '{"email":"nul@example.com","x\\u0000":1}' });
    expect(key.status, JSON.stringify(key.body)).toBe(400);

    // Nothing was written, and the server's output has no failed query, parameters, password hash or key hash.
    const [row] = await app().database!.handle.sql.query<{ users: number }>(`select count(*)::int as users from users where email = 'nul@example.com'`);
    expect(row).toEqual({ users: 0 });
    const output = web!.output().slice(before);
    expect(output).not.toMatch(/Failed query|params:|scrypt\$|[0-9a-f]{64}|nul@example\.com/);
  });
});

describe('bodies a form or an attacker sends', () => {
  it('refuses a body nested thousands deep with a 400 naming where (not a 500), and a body not declared JSON with a 415', async () => {
    const before = web!.output().length;
    const depth = 7000;
    const deep = `{"email":"deep@example.com","x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    for (const path of ['/api/auth/forgot-password', '/api/auth/signup', '/api/sign/sgn_not-a-real-token-000000']) {
      const answer = await call(app(), 'POST', path, { body: deep });
      expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).toBe(400);
      expect(answer.body.issues[0]).toMatchObject({ path: expect.stringMatching(/^x(\.0)+$/), message: 'is nested deeper than 32 levels' });
    }
    expect(web!.output().slice(before)).not.toMatch(/Maximum call stack|RangeError|route failed/);

    // What a cross-site HTML form can send without a preflight: text/plain or urlencoded, carrying JSON.
    const owner = await signUp('form-post@example.com');
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const answer = await fetch(`${app().url}/api/auth/signin`, { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify({ email: 'form-post@example.com', password: PASSWORD }) });
      expect(answer.status, type).toBe(415);
      expect(await answer.json()).toEqual({ error: 'Send the body as JSON, with Content-Type: application/json' });
    }
    const declared = await fetch(`${app().url}/api/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.apiKey}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ name: 'with charset' }),
    });
    expect(declared.status).toBe(201);
  });
});

describe('a path with broken percent-encoding', () => {
  it('is a 400 in JSON with the security headers, not a bare 500 from Next’s router', async () => {
    for (const path of ['/api/documents/%ff', '/admin/jobs/%E0%A4%A', '/sign/%', '/%c0%af']) {
      const response = await fetch(`${app().url}${path}`);
      expect(response.status, path).toBe(400);
      expect(response.headers.get('content-type'), path).toBe('application/json');
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('content-security-policy'), path).toContain("default-src 'none'");
      expect(await response.json(), path).toEqual({ error: 'Malformed URL: the path has invalid percent-encoding' });
    }
    expect((await fetch(`${app().url}/api/documents/%41bc`)).status).toBe(401);
    // The asterisk form (OPTIONS *), which fetch cannot send: a raw request.
    const { hostname, port } = new URL(app().url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => socket.end('OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).toContain('{"error":"Malformed URL: \\"*\\" names no resource here"}');
  });

  it('serves a request in the absolute form as its path, never redirecting to the host it names', async () => {
    const { hostname, port } = new URL(app().url);
    const raw = (target: string) =>
      new Promise<string>((resolve, reject) => {
        // write, not end: a half-closed socket may be dropped before an asynchronous answer; Connection: close ends it.
        const socket = connect(Number(port), hostname, () => socket.write(`GET ${target} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: close\r\n\r\n`));
        let text = '';
        socket.on('data', (chunk) => (text += chunk));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
    const offSite = await raw('http://evil.example/sign/abc');
    expect(offSite).not.toMatch(/^location: .*evil\.example/im);
    expect(offSite).not.toMatch(/^HTTP\/1\.1 30\d/);
    const health = await raw('http://evil.example/api/health');
    expect(health).toMatch(/^HTTP\/1\.1 200/);
    expect(health).toContain('"status":"ok"');
  });
});

describe('security headers', () => {
  it('sends CSP with frame-ancestors none, nosniff, no-referrer and HSTS (production) on pages and API answers', async () => {
    for (const path of ['/', '/sign/sgn_unknown-token-000000', '/settings/webhooks', '/api/health']) {
      const response = await fetch(`${app().url}${path}`);
      await response.body?.cancel();
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain(path.startsWith('/api') ? "default-src 'none'" : "default-src 'self'");
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(response.headers.get('strict-transport-security'), path).toMatch(/^max-age=\d{7,}/);
      if (!path.startsWith('/api')) {
        expect(csp, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
        expect(csp, path).not.toContain('unsafe-inline');
        expect(csp, path).not.toContain('unsafe-eval');
      }
    }
  });

  it('every page passes its CSP in Chromium: no violation, the sign, confirm and reset forms work, injected markup runs no script', async () => {
    const owner = await signUp('csp-owner@example.com');
    const [verification] = await waitForEmails(app(), 1, (email) => email.to === 'csp-owner@example.com' && email.subject === 'Confirm your email address', 'the verification email');
    expect((await call(app(), 'POST', '/api/auth/forgot-password', { body: { email: 'csp-owner@example.com' } })).status).toBe(202);
    const [reset] = await waitForEmails(app(), 1, (email) => email.to === 'csp-owner@example.com' && email.subject === 'Reset your password', 'the reset email');
    const created = await call(app(), 'POST', '/api/documents', { key: owner.apiKey, body: { title: 'CSP NDA', recipients: [{ email: 'csp-signer@example.com', name: 'Sig' }] } });
    expect(created.status).toBe(201);
    await markVerified(owner.id);
    expect((await call(app(), 'POST', `/api/documents/${created.body.id}/send`, { key: owner.apiKey })).status).toBe(202);
    const [invitation] = await waitForEmails(app(), 1, (email) => email.to === 'csp-signer@example.com', 'the invitation');

    await withBrowser({}, async (browser) => {
      const violations = await recordCspViolations(browser);
      const page = await browser.newPage();
      page.on('console', (message) => {
        if (/Content.Security.Policy/i.test(message.text())) violations.push(message.text());
      });
      const visit = async (path: string) => {
        const response = await page.goto(`${app().url}${path}`);
        expect(response?.status(), path).toBe(200);
      };
      /** Clicks a form button; the status line appears only if the client component hydrated and its fetch ran. */
      const submit = async (button: string) => {
        await page.getByRole('button', { name: button }).click();
        await expect.poll(() => page.getByRole('status').textContent(), { timeout: 10_000 }).toBe('Done. You can close this page.');
      };

      await visit('/');
      await visit('/settings/webhooks');
      await visit(`/documents/${created.body.id}`);
      await visit(`/verify-email/${encodeURIComponent(tokenIn(verification!, 'verify-email'))}`);
      await submit('Confirm');
      await visit(`/reset-password/${encodeURIComponent(tokenIn(reset!, 'reset-password'))}`);
      await page.locator('input[type=password]').fill('a new long passphrase');
      await submit('Set password');
      await visit(`/sign/${encodeURIComponent(tokenIn(invitation!, 'sign'))}`);
      await submit('Sign');
      expect(violations).toEqual([]);

      // The control: markup injected into the page, as an XSS would inject it, cannot run its inline handler, and the
      // listeners above report the attempt.
      await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<img src="/no-such-image" onerror="window.injectedRan = true">'));
      await expect.poll(() => violations.filter((text) => text.startsWith('script-src')).length, { timeout: 5_000 }).toBeGreaterThan(0);
      expect(await page.evaluate(() => (window as unknown as { injectedRan?: boolean }).injectedRan === true)).toBe(false);
    });
  });
});

describe('email retention', () => {
  it('the cleanup redacts sent bodies (links gone; recipient, subject, status, provider id kept), keeps unsent ones, deletes old rows', async () => {
    const user = await signUp('retention@example.com');
    await waitForEmails(app(), 1, (email) => email.to === 'retention@example.com', 'the verification email');
    await app().settled();
    const sql = app().database!.handle.sql;
    // A message still waiting for its retry (it must go out with the very body it was written with), and one from
    // long ago.
    await sql.query(
      `insert into email_messages ("to", subject, html, text, provider, idempotency_key, status, created_at)
       values ('queued@example.com', 'Queued', '<a href="http://x/sign/sgn_q">x</a>', 'http://x/sign/sgn_q', 'resend', 'e2e/queued', 'QUEUED', now() - interval '2 days'),
              ('old@example.com', 'Old', 'old', 'old', 'resend', 'e2e/old', 'SENT', now() - interval '31 days')`,
    );

    const cleanup = await call(app(), 'POST', '/api/cron/cleanup', { headers: { authorization: `Bearer ${CRON_SECRET}` } });
    expect(cleanup.status, JSON.stringify(cleanup.body)).toBe(200);
    expect(cleanup.body).toMatchObject({ emailBodies: expect.any(Number), emails: 1 });
    expect(cleanup.body.emailBodies).toBeGreaterThanOrEqual(1);

    const rows = await sql.query<{ to: string; subject: string; status: string; provider_id: string | null; html: string; text: string }>(
      `select "to", subject, status, provider_id, html, text from email_messages where "to" in ('retention@example.com', 'queued@example.com', 'old@example.com') order by "to"`,
    );
    expect(rows.map((row) => row.to)).toEqual(['queued@example.com', 'retention@example.com']);
    const [queued, sent] = rows as [(typeof rows)[0], (typeof rows)[0]];
    expect(sent).toMatchObject({ subject: 'Confirm your email address', status: 'SENT', provider_id: expect.any(String) });
    expect(`${sent.html}\n${sent.text}`).not.toMatch(/verify-email|vrf_/);
    expect(queued).toMatchObject({ status: 'QUEUED', text: 'http://x/sign/sgn_q' });
    const [leftover] = await sql.query<{ rows: number }>(`select count(*)::int as rows from email_messages where status = 'SENT' and (html like '%vrf_%' or text like '%vrf_%' or text like '%sgn_%' or text like '%rst_%')`);
    expect(leftover).toEqual({ rows: 0 });
    expect(user.id).toBeTruthy();
  });
});

describe('a database error', () => {
  it('is logged without its parameters, from a route and from a page: no token hash, no API-key hash', async () => {
    const owner = await signUp('db-error@example.com');
    const created = await call(app(), 'POST', '/api/documents', { key: owner.apiKey, body: { title: 'Broken NDA', recipients: [{ email: 'db-error-signer@example.com' }] } });
    await markVerified(owner.id);
    expect((await call(app(), 'POST', `/api/documents/${created.body.id}/send`, { key: owner.apiKey })).status).toBe(202);
    const [invitation] = await waitForEmails(app(), 1, (email) => email.to === 'db-error-signer@example.com', 'the invitation');
    const token = tokenIn(invitation!, 'sign');
    await app().settled();

    // A real fault: the table every one of these queries reads is gone for a moment.
    const sql = app().database!.handle.sql;
    const before = web!.output().length;
    await sql.query('alter table users rename to users_gone');
    try {
      expect((await call(app(), 'GET', `/sign/${encodeURIComponent(token)}`)).status).toBe(500);
      expect((await call(app(), 'GET', `/documents/${created.body.id}`, { key: owner.apiKey })).status).toBe(500);
      // A route names the fix (a table the app needs is missing: the schema is behind); a page is a plain 500.
      const route = await call(app(), 'GET', '/api/webhooks', { key: owner.apiKey });
      expect(route.status).toBe(503);
      expect(route.body.error).toContain('npm run db:migrate');
    } finally {
      await sql.query('alter table users_gone rename to users');
    }
    const output = web!.output().slice(before);
    expect(output).toMatch(/Failed query/); // the errors were logged, with their SQL
    for (const secret of [hashToken(token), hashToken(owner.apiKey), token, owner.apiKey, 'params:']) expect(output).not.toContain(secret);
  });
});
