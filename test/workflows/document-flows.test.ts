// The document workflows end to end over real HTTP on the local provider: the API routes, a worker running the
// real job definitions, the outbox as the email transport, and a webhook receiver verifying signatures with the
// `standardwebhooks` package.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startApp, tokenFrom, type AppHarness } from '../helpers/app-harness';
import { DAY } from '../helpers/test-clock';
import { waitFor } from '../helpers/wait-for';
import { registerWebhookEndpoint, type WebhookEndpoint } from '../helpers/webhook-endpoint';

let app: AppHarness;
const endpoints: WebhookEndpoint[] = [];

beforeAll(async () => {
  app = await startApp();
});
afterEach(() => expect(app.failures).toEqual([]));
afterAll(async () => {
  await Promise.all(endpoints.map((endpoint) => endpoint.close()));
  await app.close();
});

async function setUp(name: string, events: string[], options: { expiresAt?: string } = {}) {
  const owner = await app.createUser(`${name}-owner@example.com`, `${name} owner`);
  const endpoint = await registerWebhookEndpoint(app, owner.apiKey, events);
  endpoints.push(endpoint);
  const recipients = [`${name}-ann@example.com`, `${name}-bob@example.com`];
  const created = await app.api('POST', '/api/documents', {
    key: owner.apiKey,
    body: { title: `${name} agreement`, recipients: [{ email: recipients[0], name: 'Ann' }, { email: recipients[1] }], ...options },
  });
  expect(created.status).toBe(201);
  const documentId: string = created.body.id;
  const sent = await app.api('POST', `/api/documents/${documentId}/send`, { key: owner.apiKey });
  expect(sent.status).toBe(202);
  expect(sent.body.status).toBe('PENDING');
  const invitations = await waitFor(async () => {
    const found = (await app.emails()).filter((email) => recipients.includes(email.to) && email.subject.includes('asked you to sign'));
    return found.length === 2 ? found : undefined;
  }, { what: 'two invitations in the outbox' });
  const tokens = Object.fromEntries(invitations.map((email) => [email.to, tokenFrom(email.text, 'sign')]));
  return { owner, endpoint, documentId, recipients, tokens: recipients.map((to) => tokens[to]!) as [string, string] };
}

const emailsTo = async (to: string) => (await app.emails()).filter((email) => email.to === to);

describe('document workflows over HTTP', () => {
  it('completes a document: two invitations, both sign, completion emails to all three, a signed webhook, audit rows', async () => {
    const { owner, endpoint, documentId, recipients, tokens } = await setUp('complete', ['document.completed']);
    expect((await emailsTo(recipients[0]!))[0]!.text).toContain(`${app.server.url}/sign/`);

    const first = await app.api('POST', `/api/sign/${tokens[0]}`, { body: { action: 'sign' } });
    expect(first).toEqual({ status: 200, body: { status: 'SIGNED', documentCompleted: false } });
    const second = await app.api('POST', `/api/sign/${tokens[1]}`, { body: { action: 'sign' } });
    expect(second).toEqual({ status: 200, body: { status: 'SIGNED', documentCompleted: true } });

    await waitFor(() => endpoint.receiver.received.length === 1, { what: 'the document.completed webhook' });
    await app.jobsSettled();
    const [webhook] = endpoint.receiver.received;
    expect(webhook!.verified).toBe(true);
    expect(webhook!.headers['webhook-id']).toBe(`msg_document.completed_${documentId}`);
    const envelope = JSON.parse(webhook!.body);
    expect(envelope).toMatchObject({ type: 'document.completed', data: { documentId, title: 'complete agreement', status: 'COMPLETED' } });
    expect(envelope.data.recipients.map((r: { email: string }) => r.email).sort()).toEqual([...recipients].sort());

    expect((await emailsTo('complete-owner@example.com')).map((email) => email.subject)).toEqual(['"complete agreement" has been signed by everyone']);
    for (const to of recipients) {
      expect((await emailsTo(to)).map((email) => email.subject)).toEqual([
        'complete owner asked you to sign "complete agreement"',
        '"complete agreement" is complete',
      ]);
    }
    const document = await app.api('GET', `/api/documents/${documentId}`, { key: owner.apiKey });
    expect(document.body.status).toBe('COMPLETED');
    expect(document.body.recipients.map((r: { status: string }) => r.status)).toEqual(['SIGNED', 'SIGNED']);
    expect(await app.auditTypes(documentId)).toEqual([
      'DOCUMENT_CREATED',
      'DOCUMENT_SENT',
      'INVITATION_SENT',
      'INVITATION_SENT',
      'RECIPIENT_SIGNED',
      'RECIPIENT_SIGNED',
      'DOCUMENT_COMPLETED',
    ]);
    const reused = await app.api('POST', `/api/sign/${tokens[0]}`, { body: { action: 'sign' } });
    expect(reused).toEqual({ status: 410, body: { error: 'This link has already been used: you signed this document' } });
  });

  it('rejects a document: the owner learns the reason, the other link stops working, a signed webhook, audit rows', async () => {
    const { owner, endpoint, documentId, recipients, tokens } = await setUp('reject', ['document.rejected']);

    const rejected = await app.api('POST', `/api/sign/${tokens[0]}`, { body: { action: 'reject', reason: 'Clause 4 is <b>wrong</b>' } });
    expect(rejected).toEqual({ status: 200, body: { status: 'REJECTED' } });
    const late = await app.api('POST', `/api/sign/${tokens[1]}`, { body: { action: 'sign' } });
    // Which reason the late signer reads depends on whether the document-rejected job has already marked the
    // document REJECTED (a fast worker can, between the two requests): both are the right 410.
    expect(late.status).toBe(410);
    expect(late.body.error).toMatch(/^(Another recipient declined this document, so it can no longer be signed|This document is rejected and can no longer be signed)$/);

    await waitFor(() => endpoint.receiver.received.length === 1, { what: 'the document.rejected webhook' });
    await app.jobsSettled();
    const [webhook] = endpoint.receiver.received;
    expect(webhook!.verified).toBe(true);
    expect(JSON.parse(webhook!.body)).toMatchObject({
      type: 'document.rejected',
      data: { documentId, status: 'REJECTED', rejectedBy: { email: recipients[0], name: 'Ann', reason: 'Clause 4 is <b>wrong</b>' } },
    });
    const [notice, ...others] = await emailsTo('reject-owner@example.com');
    expect(others).toEqual([]);
    expect(notice!.subject).toBe(`Ann (${recipients[0]}) declined to sign "reject agreement"`);
    expect(notice!.html).toContain('Clause 4 is &lt;b&gt;wrong&lt;/b&gt;');
    expect((await app.api('GET', `/api/documents/${documentId}`, { key: owner.apiKey })).body.status).toBe('REJECTED');
    expect(await app.auditTypes(documentId)).toEqual([
      'DOCUMENT_CREATED',
      'DOCUMENT_SENT',
      'INVITATION_SENT',
      'INVITATION_SENT',
      'RECIPIENT_REJECTED',
      'DOCUMENT_REJECTED',
    ]);
  });

  it('expires a recipient when the clock passes the deadline: owner notified once, a signed webhook, the link answers 410', async () => {
    const expiresAt = new Date(Date.now() + DAY).toISOString();
    const { owner, endpoint, documentId, recipients, tokens } = await setUp('expire', ['recipient.expired'], { expiresAt });
    expect((await app.api('POST', `/api/sign/${tokens[0]}`, { body: { action: 'sign' } })).status).toBe(200);
    await app.jobsSettled();

    app.clock.advance(2 * DAY);
    const slots = await app.worker!.scheduler.tick();
    expect(slots.map((slot) => slot.definitionId)).toContain('expire-recipients-sweep');
    await waitFor(() => endpoint.receiver.received.length === 1, { what: 'the recipient.expired webhook' });
    await app.jobsSettled();

    const [webhook] = endpoint.receiver.received;
    expect(webhook!.verified).toBe(true);
    expect(JSON.parse(webhook!.body)).toMatchObject({ type: 'recipient.expired', data: { documentId, recipient: { email: recipients[1] } } });
    expect((await emailsTo('expire-owner@example.com')).map((email) => email.subject)).toEqual([
      `${recipients[1]} did not sign "expire agreement" in time`,
    ]);
    const document = await app.api('GET', `/api/documents/${documentId}`, { key: owner.apiKey });
    expect(document.body.recipients.map((r: { email: string; status: string }) => [r.email, r.status])).toEqual([
      [recipients[0], 'SIGNED'],
      [recipients[1], 'EXPIRED'],
    ]);
    const late = await app.api('POST', `/api/sign/${tokens[1]}`, { body: { action: 'sign' } });
    expect(late).toEqual({ status: 410, body: { error: 'This signing link has expired; ask the sender for a new one' } });
    expect(await app.auditTypes(documentId)).toContain('RECIPIENT_EXPIRED');

    // The next hourly run finds nothing new: nobody is told twice.
    app.clock.advance(DAY / 24);
    await app.worker!.scheduler.tick();
    await app.jobsSettled();
    expect(await emailsTo('expire-owner@example.com')).toHaveLength(1);
    expect(endpoint.receiver.received).toHaveLength(1);
  });
});
