// The user flow every configuration must pass, written once: sign-up and verification, a document signed by
// everyone, a document declined, a password reset; and every link in every email opens a working page.
// Each test works with accounts of its own, so any one of them can run alone.
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for';
import type { E2EApp } from './configuration';
import { brokenLinks, call, deliveriesOf, emails, linksIn, registerWebhook, tokenIn, waitForEmails, type Email, type WebhookEndpoint } from './user-agent';

const PASSWORD = 'correct horse battery';

export function describeUserFlow(getApp: () => E2EApp): void {
  const endpoints: WebhookEndpoint[] = [];
  afterAll(async () => void (await Promise.all(endpoints.map((endpoint) => endpoint.close()))));

  async function signUp(email: string, name: string): Promise<{ id: string; email: string; apiKey: string }> {
    const answer = await call(getApp(), 'POST', '/api/auth/signup', { body: { email, password: PASSWORD, name } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(answer.body).toMatchObject({ email, apiKey: expect.stringMatching(/^sk_/) });
    return { id: answer.body.id, email, apiKey: answer.body.apiKey };
  }

  /** Confirms the address with the emailed link: only a verified account may send documents. */
  async function verify(user: { email: string }): Promise<void> {
    const app = getApp();
    const [verification] = await waitForEmails(app, 1, (email) => email.to === user.email && email.subject === 'Confirm your email address', `the verification email to ${user.email}`);
    expect((await call(app, 'POST', '/api/auth/verify', { body: { token: tokenIn(verification!, 'verify-email') } })).status).toBe(200);
  }

  async function sendDocument(owner: { email: string; apiKey: string }, title: string, recipients: [string, string]) {
    const app = getApp();
    await verify(owner);
    const endpoint = await registerWebhook(app, owner.apiKey, ['document.completed', 'document.rejected']);
    endpoints.push(endpoint);
    const created = await call(app, 'POST', '/api/documents', {
      key: owner.apiKey,
      body: { title, recipients: [{ email: recipients[0], name: 'Ann' }, { email: recipients[1] }] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const documentId: string = created.body.id;
    const sent = await call(app, 'POST', `/api/documents/${documentId}/send`, { key: owner.apiKey });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    const invitations = await waitForEmails(app, 2, (email) => recipients.includes(email.to) && email.subject.includes('asked you to sign'), `invitations to ${recipients.join(' and ')}`);
    const tokens = recipients.map((to) => tokenIn(invitations.find((email) => email.to === to)!, 'sign')) as [string, string];
    return { documentId, endpoint, tokens };
  }

  const emailsTo = (...addresses: string[]) => emails(getApp()).filter((email) => addresses.includes(email.to));
  const expectLinksWork = async (sent: Email[]) => expect(await brokenLinks(sent.flatMap(linksIn))).toEqual([]);

  describe('the user flow on the built app', () => {
    it('signs up: a verification email whose link confirms the address once', async () => {
      const app = getApp();
      const user = await signUp('ada@example.com', 'Ada Lovelace');
      const [verification] = await waitForEmails(app, 1, (email) => email.to === 'ada@example.com' && email.subject === 'Confirm your email address', 'the verification email');
      const token = tokenIn(verification!, 'verify-email');
      expect(await call(app, 'POST', '/api/auth/verify', { body: { token } })).toMatchObject({ status: 200, body: { verified: true } });
      expect((await call(app, 'POST', '/api/auth/verify', { body: { token } })).status).toBe(410);
      if (app.database) {
        const [row] = await app.database.handle.sql.query<{ verified: boolean }>('select email_verified_at is not null as verified from users where id = $1', [user.id]);
        expect(row).toEqual({ verified: true });
      }
      await app.settled();
      expect(emailsTo('ada@example.com').map((email) => email.subject)).toEqual(['Confirm your email address']);
      await expectLinksWork(emailsTo('ada@example.com'));
    });

    it('completes a document: 2 invitations, both sign, 3 completion emails, one verified document.completed webhook', async () => {
      const app = getApp();
      const owner = await signUp('owner-complete@example.com', 'Olive Owner');
      const recipients: [string, string] = ['ann-complete@example.com', 'bob-complete@example.com'];
      const { documentId, endpoint, tokens } = await sendDocument(owner, 'Complete NDA', recipients);

      const page = await call(app, 'GET', `/sign/${tokens[0]}`);
      expect(page.status).toBe(200);
      expect(page.body).toContain('Complete NDA');
      expect(await call(app, 'POST', `/api/sign/${tokens[0]}`, { body: { action: 'sign' } })).toMatchObject({ status: 200, body: { status: 'SIGNED', documentCompleted: false } });
      expect(await call(app, 'POST', `/api/sign/${tokens[1]}`, { body: { action: 'sign' } })).toMatchObject({ status: 200, body: { status: 'SIGNED', documentCompleted: true } });

      await waitFor(() => deliveriesOf(endpoint, 'document.completed').length >= 1, { timeoutMs: 30_000, what: 'the document.completed webhook' });
      await waitForEmails(app, 3, (email) => email.subject.startsWith('"Complete NDA"'), 'three completion emails');
      await app.settled();

      const everyone = [...recipients, 'owner-complete@example.com'];
      expect(emailsTo(...recipients).filter((email) => email.subject.includes('asked you to sign'))).toHaveLength(2);
      expect(emailsTo(...everyone).filter((email) => email.subject.startsWith('"Complete NDA"')).map((email) => [email.to, email.subject]).sort()).toEqual([
        ['ann-complete@example.com', '"Complete NDA" is complete'],
        ['bob-complete@example.com', '"Complete NDA" is complete'],
        ['owner-complete@example.com', '"Complete NDA" has been signed by everyone'],
      ]);
      const deliveries = deliveriesOf(endpoint, 'document.completed');
      expect(deliveries).toHaveLength(1);
      expect(deliveries[0]!.verified).toBe(true);
      expect(JSON.parse(deliveries[0]!.body)).toMatchObject({ type: 'document.completed', data: { documentId, status: 'COMPLETED' } });
      expect(endpoint.receiver.received).toHaveLength(1);

      const document = await call(app, 'GET', `/api/documents/${documentId}`, { key: owner.apiKey });
      expect(document.body.status).toBe('COMPLETED');
      expect(document.body.recipients.map((recipient: { status: string }) => recipient.status)).toEqual(['SIGNED', 'SIGNED']);
      if (app.database) {
        const rows = await app.database.handle.sql.query<{ status: string; deliveries: string }>(
          `select d.status, (select count(*) from webhook_deliveries w where w.webhook_id = $2 and w.event = 'document.completed' and w.status_code = 200)::text as deliveries
             from documents d where d.id = $1`,
          [documentId, endpoint.id],
        );
        expect(rows).toEqual([{ status: 'COMPLETED', deliveries: '1' }]);
      }
      await expectLinksWork(emailsTo(...everyone));

      // The emailed document link: the owner's API key shows the document; anyone else learns nothing from it.
      const ownerView = await call(app, 'GET', `/documents/${documentId}`, { key: owner.apiKey });
      expect(ownerView.status).toBe(200);
      expect(ownerView.body).toContain('Complete NDA');
      expect(ownerView.body).toContain('COMPLETED');
      expect(ownerView.body).toContain('bob-complete@example.com');
      const anonymousView = await call(app, 'GET', `/documents/${documentId}`);
      expect(anonymousView.status).toBe(200);
      for (const secret of ['Complete NDA', 'ann-complete@example.com', 'COMPLETED']) expect(anonymousView.body).not.toContain(secret);
      const stranger = await signUp('stranger@example.com', 'Sam Stranger');
      expect((await call(app, 'GET', `/documents/${documentId}`, { key: stranger.apiKey })).status).toBe(404);
    });

    it('rejects a document: the owner is emailed the reason, one verified document.rejected webhook', async () => {
      const app = getApp();
      const owner = await signUp('owner-reject@example.com', 'Rita Owner');
      const recipients: [string, string] = ['ann-reject@example.com', 'bob-reject@example.com'];
      const { documentId, endpoint, tokens } = await sendDocument(owner, 'Rejected NDA', recipients);

      // A reason holding half a surrogate pair (valid JSON, no character) is a 400 naming it, not a 500 from jsonb.
      const unpaired = await call(app, 'POST', `/api/sign/${tokens[0]}`, { body: '{"action":"reject","reason":"bad \\ud800 clause"}' });
      expect(unpaired).toMatchObject({ status: 400, body: { issues: [{ path: 'reason', message: expect.stringContaining('unpaired UTF-16 surrogate') }] } });
      expect(await call(app, 'POST', `/api/sign/${tokens[0]}`, { body: { action: 'reject', reason: 'Clause 4 is wrong' } })).toMatchObject({ status: 200, body: { status: 'REJECTED' } });
      await waitFor(() => deliveriesOf(endpoint, 'document.rejected').length >= 1, { timeoutMs: 30_000, what: 'the document.rejected webhook' });
      await waitForEmails(app, 1, (email) => email.to === 'owner-reject@example.com' && email.subject.includes('declined to sign'), 'the rejection email');
      await app.settled();

      const notices = emailsTo('owner-reject@example.com').filter((email) => email.subject.includes('declined to sign'));
      expect(notices.map((email) => email.subject)).toEqual(['Ann (ann-reject@example.com) declined to sign "Rejected NDA"']);
      expect(notices[0]!.text).toContain('Clause 4 is wrong');
      const deliveries = deliveriesOf(endpoint, 'document.rejected');
      expect(deliveries).toHaveLength(1);
      expect(deliveries[0]!.verified).toBe(true);
      expect(JSON.parse(deliveries[0]!.body)).toMatchObject({ type: 'document.rejected', data: { documentId, status: 'REJECTED', rejectedBy: { email: recipients[0], reason: 'Clause 4 is wrong' } } });
      expect(endpoint.receiver.received).toHaveLength(1);
      expect((await call(app, 'GET', `/api/documents/${documentId}`, { key: owner.apiKey })).body.status).toBe('REJECTED');
      expect((await call(app, 'POST', `/api/sign/${tokens[1]}`, { body: { action: 'sign' } })).status).toBe(410);
      if (app.database) {
        const rows = await app.database.handle.sql.query('select status from documents where id = $1', [documentId]);
        expect(rows).toEqual([{ status: 'REJECTED' }]);
      }
      await expectLinksWork(emailsTo(...recipients, 'owner-reject@example.com'));
    });

    it('serves the webhook settings page the webhook-disabled email links to, with the API calls to manage endpoints', async () => {
      const page = await call(getApp(), 'GET', '/settings/webhooks');
      expect(page.status).toBe(200);
      expect(page.contentType).toContain('text/html');
      expect(page.body).toContain(`${getApp().url}/api/webhooks`);
    });

    it('resets a forgotten password: a reset email whose link sets a new password once and revokes the old API key', async () => {
      const app = getApp();
      const user = await signUp('grace@example.com', 'Grace Hopper');
      const before = app.database && (await app.database.handle.sql.query<{ hash: string }>('select password_hash as hash from users where id = $1', [user.id]));
      expect(await call(app, 'POST', '/api/auth/forgot-password', { body: { email: 'grace@example.com' } })).toMatchObject({ status: 202 });
      const [reset] = await waitForEmails(app, 1, (email) => email.to === 'grace@example.com' && email.subject === 'Reset your password', 'the password reset email');
      const token = tokenIn(reset!, 'reset-password');
      expect((await call(app, 'GET', `/reset-password/${encodeURIComponent(token)}`)).status).toBe(200);
      const answer = await call(app, 'POST', '/api/auth/reset-password', { body: { token, password: 'a new long passphrase' } });
      expect(answer).toMatchObject({ status: 200, body: { reset: true } });
      expect((await call(app, 'POST', '/api/auth/reset-password', { body: { token, password: 'yet another passphrase' } })).status).toBe(410);
      if (app.database && before) {
        const after = await app.database.handle.sql.query<{ hash: string }>('select password_hash as hash from users where id = $1', [user.id]);
        expect(after[0]!.hash).not.toBe(before[0]!.hash);
      }
      // The reset revoked every API key of the account; signing in with the new password gives a working one.
      expect((await call(app, 'GET', '/api/webhooks', { key: user.apiKey })).status).toBe(401);
      expect((await call(app, 'POST', '/api/auth/signin', { body: { email: 'grace@example.com', password: PASSWORD } })).status).toBe(401);
      const signedIn = await call(app, 'POST', '/api/auth/signin', { body: { email: 'grace@example.com', password: 'a new long passphrase' } });
      expect(signedIn).toMatchObject({ status: 201, body: { name: 'sign-in', apiKey: expect.stringMatching(/^sk_/) } });
      expect((await call(app, 'GET', '/api/webhooks', { key: signedIn.body.apiKey })).status).toBe(200);
      await app.settled();
      expect(emailsTo('grace@example.com').map((email) => email.subject).sort()).toEqual(['Confirm your email address', 'Reset your password']);
      await expectLinksWork(emailsTo('grace@example.com'));
    });
  });
}
