// Each document job failed mid-way by Resend (a 500, or a 500 after Resend had already sent the email: the lost
// answer idempotency keys exist for), then retried: every email and webhook arrives exactly once, and links in
// the emails that did arrive work.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tokenFrom, type AppHarness } from '../helpers/app-harness';
import { failures, type FakeResend } from '../helpers/fake-resend';
import { deliveredTo, startAppWithResend } from '../helpers/resend-app';
import { DAY } from '../helpers/test-clock';
import { waitFor } from '../helpers/wait-for';
import { registerWebhookEndpoint, type WebhookEndpoint } from '../helpers/webhook-endpoint';

let app: AppHarness;
let resend: FakeResend;
let close: () => Promise<void>;
const endpoints: WebhookEndpoint[] = [];

beforeAll(async () => {
  ({ app, resend, close } = await startAppWithResend());
});
beforeEach(() => {
  resend.requests.length = 0;
  resend.delivered.length = 0;
});
afterEach(() => expect(app.failures).toEqual([]));
afterAll(async () => {
  await Promise.all(endpoints.map((endpoint) => endpoint.close()));
  await close();
});

async function sentDocument(name: string, events: string[], extra: { expiresAt?: string } = {}) {
  const owner = await app.createUser(`${name}-owner@example.com`, `${name} owner`);
  const endpoint = await registerWebhookEndpoint(app, owner.apiKey, events);
  endpoints.push(endpoint);
  const recipients = [`${name}-ann@example.com`, `${name}-bob@example.com`] as const;
  const created = await app.api('POST', '/api/documents', {
    key: owner.apiKey,
    body: { title: `${name} contract`, recipients: recipients.map((email) => ({ email })), ...extra },
  });
  expect((await app.api('POST', `/api/documents/${created.body.id}/send`, { key: owner.apiKey })).status).toBe(202);
  const invitations = await waitFor(() => (resend.delivered.length === 2 ? [...resend.delivered] : undefined), { what: 'two invitations' });
  await app.jobsSettled();
  const tokens = recipients.map((to) => tokenFrom(invitations.find((email) => email.to === to)!.text!, 'sign')) as [string, string];
  resend.delivered.length = 0;
  return { owner, endpoint, documentId: created.body.id as string, recipients, tokens };
}

describe('document jobs retried after failing mid-way', () => {
  it('send-signing-email: a lost answer re-sends the same invitation under its key; one each, and both links work', async () => {
    const owner = await app.createUser('invite-owner@example.com');
    const created = await app.api('POST', '/api/documents', {
      key: owner.apiKey,
      body: { title: 'Invite', recipients: [{ email: 'invite-ann@example.com' }, { email: 'invite-bob@example.com' }] },
    });
    // The second invitation reaches Resend, but its answer is a 500: the step fails after the email went out.
    resend.failNext(failures.serverError({ afterDelivery: true }), 1, { after: 1 });
    await app.api('POST', `/api/documents/${created.body.id}/send`, { key: owner.apiKey });
    await waitFor(async () => (await app.jobAttempts('send-signing-email'))[0] === 2, { what: 'the retry' });
    await app.jobsSettled();

    expect(resend.delivered.map((email) => email.to).sort()).toEqual(['invite-ann@example.com', 'invite-bob@example.com']);
    const failedKey = resend.requests.find((request) => request.status === 500)!.headers['idempotency-key'];
    const sameKey = resend.requests.filter((request) => request.headers['idempotency-key'] === failedKey);
    expect(sameKey.map((request) => request.status)).toEqual([500, 200]);
    expect(sameKey[1]!.body).toEqual(sameKey[0]!.body);
    for (const email of resend.delivered) {
      const signed = await app.api('POST', `/api/sign/${tokenFrom(email.text!, 'sign')}`, { body: { action: 'sign' } });
      expect(signed.status).toBe(200);
    }
    await app.jobsSettled();
  });

  it('document-completed: Resend failing the recipients batch leaves the owner email and the webhook at one each', async () => {
    const { endpoint, recipients, tokens } = await sentDocument('complete', ['document.completed']);
    await app.api('POST', `/api/sign/${tokens[0]}`, { body: { action: 'sign' } });
    // Owner email (1st request) goes through, the recipients' batch (2nd) fails.
    resend.failNext(failures.serverError(), 1, { after: 1 });
    await app.api('POST', `/api/sign/${tokens[1]}`, { body: { action: 'sign' } });
    await waitFor(() => deliveredTo(resend, recipients[1]).length === 1, { what: 'the retried batch' });
    await app.jobsSettled();

    expect((await app.jobAttempts('document-completed')).at(-1)).toBe(2);
    expect(deliveredTo(resend, 'complete-owner@example.com')).toHaveLength(1);
    for (const to of recipients) expect(deliveredTo(resend, to)).toHaveLength(1);
    expect(endpoint.receiver.received).toHaveLength(1);
    expect(endpoint.receiver.received[0]!.verified).toBe(true);
  });

  it('document-rejected: a lost answer on the owner email sends it once, and the webhook once', async () => {
    const { endpoint, tokens } = await sentDocument('decline', ['document.rejected']);
    resend.failNext(failures.serverError({ afterDelivery: true }));
    await app.api('POST', `/api/sign/${tokens[0]}`, { body: { action: 'reject', reason: 'Wrong date' } });
    await waitFor(async () => (await app.jobAttempts('document-rejected'))[0] === 2, { what: 'the retry' });
    await app.jobsSettled();

    const notices = deliveredTo(resend, 'decline-owner@example.com');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toContain('Wrong date');
    expect(endpoint.receiver.received).toHaveLength(1);
  });

  it('expire-recipients-sweep: a failed notification batch is retried without notifying or calling webhooks twice', async () => {
    const { endpoint, recipients } = await sentDocument('lapse', ['recipient.expired'], { expiresAt: new Date(Date.now() + DAY).toISOString() });
    app.clock.advance(3 * DAY);
    resend.failNext(failures.serverError());
    await app.worker!.scheduler.tick();
    await waitFor(() => deliveredTo(resend, 'lapse-owner@example.com').length === 2, { what: 'both expiry notices' });
    await app.jobsSettled();

    expect((await app.jobAttempts('expire-recipients-sweep')).at(-1)).toBe(2);
    expect(deliveredTo(resend, 'lapse-owner@example.com').map((email) => email.subject).sort()).toEqual(
      recipients.map((to) => `${to} did not sign "lapse contract" in time`).sort(),
    );
    expect(endpoint.receiver.received.map((request) => request.headers['webhook-id']).sort()).toHaveLength(2);
    expect(new Set(endpoint.receiver.received.map((request) => request.headers['webhook-id'])).size).toBe(2);
  });
});
