import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users, webhookDeliveries, webhooks } from '../../src/db/schema';
import { deliverWebhook, type DeliveryOptions } from '../../src/webhooks/deliver';
import { recordDelivery } from '../../src/webhooks/record-delivery';
import { generateWebhookSecret } from '../../src/webhooks/sign';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

const secret = generateWebhookSecret();
const payload = { documentId: 'doc_1', title: 'NDA' };
let database: TestDatabase;
let receiver: WebhookReceiver;
let webhookId: string;

/** Whole seconds, so a Retry-After HTTP-date computed from it round-trips exactly. */
const wholeSecond = (ms = Date.now()) => new Date(Math.floor(ms / 1000) * 1000);

function send(messageId: string, options: Partial<DeliveryOptions> = {}) {
  return deliverWebhook(
    { url: `${receiver.url}/hook`, secret, messageId, event: 'document/completed', payload, occurredAt: new Date('2026-01-02T03:04:05Z') },
    { allowPrivate: true, timeoutMs: 5_000, ...options },
  );
}

beforeAll(async () => {
  database = await createTestDatabase('postgres');
  receiver = await startWebhookReceiver(secret);
  const db = database.handle.db;
  const [user] = await db.insert(users).values({ email: 'owner@example.com' }).returning();
  const [webhook] = await db
    .insert(webhooks)
    .values({ ownerId: user!.id, url: `${receiver.url}/hook`, secret, events: ['document/completed'] })
    .returning();
  webhookId = webhook!.id;
});

afterAll(async () => {
  await receiver.close();
  await database.drop();
});

describe('deliverWebhook', () => {
  it('delivers a Standard Webhooks envelope that the receiver verifies with the npm package', async () => {
    const result = await send('msg_ok');
    expect(result).toMatchObject({ ok: true, outcome: 'delivered', statusCode: 200, responseExcerpt: 'ok' });
    const request = receiver.received.at(-1)!;
    expect(request.verified).toBe(true);
    expect(request.headers['webhook-id']).toBe('msg_ok');
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({ type: 'document/completed', timestamp: '2026-01-02T03:04:05.000Z', data: payload });
  });

  it('keeps the message id and body across attempts and signs each attempt with its own timestamp', async () => {
    receiver.respondWith({ status: 500, body: 'boom' });
    const first = await send('msg_retry', { now: () => wholeSecond(Date.now() - 90_000) });
    const second = await send('msg_retry', { now: () => wholeSecond() });
    expect(first).toMatchObject({ ok: false, outcome: 'retry', statusCode: 500, error: 'receiver answered 500', responseExcerpt: 'boom' });
    expect(second).toMatchObject({ ok: true, outcome: 'delivered' });

    const [a, b] = receiver.received.slice(-2);
    expect([a!.verified, b!.verified]).toEqual([true, true]);
    expect(a!.headers['webhook-id']).toBe('msg_retry');
    expect(b!.headers['webhook-id']).toBe('msg_retry');
    expect(a!.body).toBe(b!.body);
    expect(Number(b!.headers['webhook-timestamp']) - Number(a!.headers['webhook-timestamp'])).toBeGreaterThanOrEqual(89);

    const db = database.handle.db;
    for (const [attempt, result] of [first, second].entries()) {
      await recordDelivery(db, { webhookId, event: 'document/completed', messageId: 'msg_retry', payload, attempt: attempt + 1, result });
    }
    const rows = await db
      .select()
      .from(webhookDeliveries)
      .where(sql`${webhookDeliveries.messageId} = 'msg_retry'`)
      .orderBy(webhookDeliveries.attempt);
    expect(rows.map((row) => [row.attempt, row.statusCode, row.error, row.responseExcerpt])).toEqual([
      [1, 500, 'receiver answered 500', 'boom'],
      [2, 200, null, 'ok'],
    ]);
    expect(rows.every((row) => row.webhookId === webhookId && row.durationMs !== null)).toBe(true);
    expect(rows[0]!.payload).toEqual(payload);
  });

  it('cuts a receiver that never answers at the timeout and closes the connection', async () => {
    receiver.respondWith({ hang: 'before-headers' });
    const arrived = receiver.nextRequest();
    const result = await send('msg_hang', { timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, outcome: 'retry', error: 'timed out after 300 ms' });
    expect(result.statusCode).toBeUndefined();
    await (await arrived).closed;
  });

  it('cuts a receiver that stalls halfway through its body: the timeout covers the body too', async () => {
    receiver.respondWith({ hang: 'in-body' });
    const arrived = receiver.nextRequest();
    const result = await send('msg_stall', { timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, outcome: 'retry', error: 'timed out after 300 ms' });
    await (await arrived).closed;
  });

  it('reads at most maxResponseBytes of a 5 MB answer and stores at most 4 KiB of it', async () => {
    receiver.respondWith({ status: 200, streamBytes: 5 * 1024 * 1024 });
    const arrived = receiver.nextRequest();
    const result = await send('msg_huge');
    expect(result).toMatchObject({ ok: true, outcome: 'delivered' });
    expect(Buffer.byteLength(result.responseExcerpt!)).toBe(4096);
    await (await arrived).closed;

    const { id } = await recordDelivery(database.handle.db, {
      webhookId,
      event: 'document/completed',
      messageId: 'msg_huge',
      payload,
      attempt: 1,
      result,
    });
    const [row] = await database.handle.sql.query<{ bytes: number }>(
      'select octet_length(response_excerpt) as bytes from webhook_deliveries where id = $1',
      [id],
    );
    expect(row?.bytes).toBeLessThanOrEqual(4096);
  });

  it('hangs up on an endless answer instead of downloading it', async () => {
    // 100 MB rather than 5: kernel socket buffers can swallow a few MB before we hang up, which would make
    // "the receiver never finished" a race. Downloading all of this is what the cap prevents.
    receiver.respondWith({ status: 200, streamBytes: 100 * 1024 * 1024 });
    const arrived = receiver.nextRequest();
    expect(await send('msg_endless')).toMatchObject({ ok: true, outcome: 'delivered' });
    const request = await arrived;
    await request.closed;
    expect(request.streamed).toMatchObject({ finished: false });
    expect(request.streamed!.bytesWritten).toBeLessThan(100 * 1024 * 1024);
  });

  it('stores an excerpt PostgreSQL accepts even when the answer holds NUL and split multi-byte characters', async () => {
    receiver.respondWith({ status: 200, body: `a\u0000${'é'.repeat(10)}` });
    const result = await send('msg_bytes', { storedExcerptBytes: 8 });
    expect(result.responseExcerpt).toBe('aééé');
    await expect(
      recordDelivery(database.handle.db, { webhookId, event: 'document/completed', messageId: 'msg_bytes', payload, attempt: 1, result }),
    ).resolves.toHaveProperty('id');
  });

  it('asks to disable the endpoint on 410 Gone', async () => {
    receiver.respondWith({ status: 410 });
    expect(await send('msg_gone')).toMatchObject({ ok: false, outcome: 'disable', statusCode: 410 });
  });

  it('retries a 429 no sooner than its Retry-After, in seconds or as an HTTP date', async () => {
    const now = wholeSecond();
    receiver.respondWith(
      { status: 429, headers: { 'retry-after': '30' } },
      { status: 503, headers: { 'retry-after': new Date(now.getTime() + 120_000).toUTCString() } },
    );
    expect(await send('msg_429', { now: () => now })).toMatchObject({ outcome: 'retry', statusCode: 429, retryAfterMs: 30_000 });
    expect(await send('msg_503', { now: () => now })).toMatchObject({ outcome: 'retry', statusCode: 503, retryAfterMs: 120_000 });
  });

  it('retries other 4xx and 5xx answers without a Retry-After hint', async () => {
    receiver.respondWith({ status: 400, headers: { 'retry-after': '30' } }, { status: 500 });
    const badRequest = await send('msg_400');
    expect(badRequest).toMatchObject({ ok: false, outcome: 'retry', statusCode: 400 });
    expect(badRequest.retryAfterMs).toBeUndefined();
    expect(await send('msg_500')).toMatchObject({ ok: false, outcome: 'retry', statusCode: 500 });
  });

  it('retries when nothing listens on the port', async () => {
    const closed = await startWebhookReceiver(secret);
    const url = closed.url;
    await closed.close();
    const result = await deliverWebhook(
      { url, secret, messageId: 'msg_refused', event: 'document/completed', payload },
      { allowPrivate: true, timeoutMs: 2_000 },
    );
    expect(result).toMatchObject({ ok: false, outcome: 'retry' });
    expect(result.error).toContain('ECONNREFUSED');
  });
});
