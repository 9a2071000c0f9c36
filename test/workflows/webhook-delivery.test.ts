// trigger-webhook against a real verifying receiver: retries with the same webhook-id, every attempt logged and
// listed by the API, 410 disabling the endpoint at once, and an endpoint failing for three days (by the injected
// clock) disabled with its owner told once.
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { webhooks } from '../../src/db/schema';
import { startApp, type AppHarness } from '../helpers/app-harness';
import { DAY } from '../helpers/test-clock';
import { waitFor } from '../helpers/wait-for';
import { registerWebhookEndpoint, type WebhookEndpoint } from '../helpers/webhook-endpoint';

let app: AppHarness;
const endpoints: WebhookEndpoint[] = [];

beforeAll(async () => {
  // Retries 200 ms apart: room for the test to move the clock between two attempts.
  app = await startApp({ webhookBackoff: { baseMs: 400, maxMs: 400 } });
});
afterEach(() => expect(app.failures).toEqual([]));
afterAll(async () => {
  await Promise.all(endpoints.map((endpoint) => endpoint.close()));
  await app.close();
});

async function endpointFor(name: string) {
  const owner = await app.createUser(`${name}@example.com`);
  const endpoint = await registerWebhookEndpoint(app, owner.apiKey, ['document.completed']);
  endpoints.push(endpoint);
  const deliver = (messageId: string) =>
    app.jobs!.dispatch({
      name: 'webhook/delivery.requested',
      data: { webhookId: endpoint.id, event: 'document.completed', messageId, payload: { documentId: messageId }, occurredAt: '2026-05-01T10:00:00.000Z' },
    });
  const row = async () => (await app.deps.db.select().from(webhooks).where(eq(webhooks.id, endpoint.id)))[0]!;
  return { owner, endpoint, deliver, row };
}

describe('trigger-webhook', () => {
  it('retries a failing endpoint with the same webhook-id and byte-identical body, logging every attempt', async () => {
    const { owner, endpoint, deliver, row } = await endpointFor('flaky');
    endpoint.receiver.respondWith({ status: 500, body: 'boom' }, { status: 503, headers: { 'retry-after': '0' } });
    await deliver('msg_retry');
    await waitFor(() => endpoint.receiver.received.length === 3, { what: 'three attempts' });
    await app.jobsSettled();

    const received = endpoint.receiver.received;
    expect(received.every((request) => request.verified)).toBe(true);
    expect(new Set(received.map((request) => request.headers['webhook-id']))).toEqual(new Set(['msg_retry']));
    expect(new Set(received.map((request) => request.body)).size).toBe(1);
    expect(JSON.parse(received[0]!.body)).toEqual({ type: 'document.completed', timestamp: '2026-05-01T10:00:00.000Z', data: { documentId: 'msg_retry' } });

    const listed = await app.api('GET', `/api/webhooks/${endpoint.id}/deliveries`, { key: owner.apiKey });
    expect(listed.status).toBe(200);
    expect(listed.body.deliveries.map((d: { attempt: number; statusCode: number }) => [d.attempt, d.statusCode]).sort()).toEqual([
      [1, 500],
      [2, 503],
      [3, 200],
    ]);
    expect(listed.body.deliveries.find((d: { attempt: number }) => d.attempt === 1).responseExcerpt).toBe('boom');
    expect((await row()).failingSince).toBeNull();
  });

  it('disables an endpoint answering 410 at once, tells its owner, and skips later messages', async () => {
    const { endpoint, deliver, row } = await endpointFor('gone');
    endpoint.receiver.respondWith({ status: 410 });
    await deliver('msg_gone');
    await waitFor(async () => (await app.emails()).some((email) => email.to === 'gone@example.com'), { what: 'the owner notice' });
    await app.jobsSettled();
    expect(await app.jobAttempts('trigger-webhook').then((attempts) => attempts.at(-1))).toBe(1);
    expect(await row()).toMatchObject({ enabled: false, disabledAt: expect.any(Date) });

    await deliver('msg_after');
    await app.jobsSettled();
    expect(endpoint.receiver.received).toHaveLength(1);
    const notices = (await app.emails()).filter((email) => email.to === 'gone@example.com');
    expect(notices.map((email) => email.subject)).toEqual(['A webhook endpoint was disabled']);
    expect(notices[0]!.text).toContain('410 Gone');
  });

  it('disables an endpoint that has failed for three days and emails its owner once', async () => {
    const { endpoint, deliver, row } = await endpointFor('down');
    endpoint.receiver.respondWith(...Array.from({ length: 10 }, () => ({ status: 500 })));
    await deliver('msg_down_1');
    await deliver('msg_down_2');
    const firstFailure = await waitFor(async () => (endpoint.receiver.received.length >= 2 ? (await row()).failingSince : null), {
      what: 'two failed attempts recorded',
    });

    app.clock.advance(3 * DAY);
    await waitFor(async () => !(await row()).enabled, { what: 'the endpoint to be disabled' });
    await app.jobsSettled();

    expect((await row()).failingSince).toEqual(firstFailure);
    const notices = (await app.emails()).filter((email) => email.to === 'down@example.com');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toContain(`every delivery since ${firstFailure.toISOString()} failed`);
    // Neither message retried on against the disabled endpoint: each stopped at its attempt after the three days.
    expect(await app.jobAttempts('trigger-webhook').then((all) => all.slice(-2).every((attempts) => attempts <= 2))).toBe(true);
    expect(endpoint.receiver.received.length).toBeLessThanOrEqual(4);
  });
});
