// The real `resend` SDK against a local fake of Resend's API: what matters is what the fake received and what
// email_messages says afterwards.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { emailMessages } from '../../src/db/schema';
import { createEmailTransport, type EmailMessage, type EmailTransport } from '../../src/email/transport';
import { NonRetriableError, RetryAfterError } from '../../src/jobs/errors';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { failures, startFakeResend, type FakeResend } from '../helpers/fake-resend';

const NOW = new Date('2026-03-01T12:00:00Z');
let database: TestDatabase;
let fake: FakeResend;
let transport: EmailTransport;
let counter = 0;

function message(overrides: Partial<EmailMessage> = {}): EmailMessage {
  counter += 1;
  return {
    to: `signer${counter}@example.com`,
    subject: 'Please sign "NDA"',
    html: '<p>Please sign</p>',
    text: 'Please sign',
    idempotencyKey: `job-${counter}/send-signing-email/recipient-${counter}`,
    ...overrides,
  };
}

async function row(key: string) {
  const [found] = await database.handle.db.select().from(emailMessages).where(eq(emailMessages.idempotencyKey, key));
  return found;
}

const requestsWithKey = (key: string) => fake.requests.filter((request) => request.headers['idempotency-key'] === key);

beforeAll(async () => {
  database = await createTestDatabase('postgres');
  fake = await startFakeResend();
  // The SDK reads RESEND_BASE_URL when constructed, so it is set before the transport is created.
  vi.stubEnv('RESEND_BASE_URL', fake.url);
  transport = createEmailTransport({ resendApiKey: 're_test_key', from: 'Signing <no-reply@example.com>', now: () => NOW });
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await fake.close();
  await database.drop();
});

beforeEach(() => {
  fake.requests.length = 0;
  fake.delivered.length = 0;
});

describe('Resend transport', () => {
  it('sends through the SDK with the API key and idempotency key, and records the row as SENT', async () => {
    const email = message();
    const result = await transport.send(database.handle.db, email);

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/emails', status: 200 });
    expect(request!.headers.authorization).toBe('Bearer re_test_key');
    expect(request!.headers['idempotency-key']).toBe(email.idempotencyKey);
    expect(request!.body).toMatchObject({ from: 'Signing <no-reply@example.com>', to: email.to, subject: email.subject, html: email.html, text: email.text });

    expect(fake.delivered).toHaveLength(1);
    expect(result).toEqual({ id: expect.any(String), provider: 'resend', providerId: fake.delivered[0]!.id, deduplicated: false });
    expect(await row(email.idempotencyKey)).toMatchObject({ id: result.id, status: 'SENT', provider: 'resend', providerId: fake.delivered[0]!.id, error: null, sentAt: NOW });
  });

  it('does not send again for a key already SENT, even after Resend has forgotten the key', async () => {
    const email = message();
    const first = await transport.send(database.handle.db, email);
    const second = await transport.send(database.handle.db, email);
    expect(second).toEqual({ ...first, deduplicated: true });
    expect(fake.requests).toHaveLength(1);
    expect(fake.delivered).toHaveLength(1);
  });

  it('retries a 500 with the same idempotency key and delivers once', async () => {
    const email = message();
    fake.failNext(failures.serverError());
    const failed = await transport.send(database.handle.db, email).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(Error);
    expect(failed).not.toBeInstanceOf(NonRetriableError);
    expect(await row(email.idempotencyKey)).toMatchObject({ status: 'QUEUED', error: expect.stringContaining('500 internal_server_error') });

    const retried = await transport.send(database.handle.db, email);
    expect(requestsWithKey(email.idempotencyKey).map((request) => request.status)).toEqual([500, 200]);
    expect(fake.delivered).toHaveLength(1);
    expect(retried).toMatchObject({ providerId: fake.delivered[0]!.id, deduplicated: false });
    expect(await row(email.idempotencyKey)).toMatchObject({ status: 'SENT', error: null });
  });

  it('delivers once when Resend sent the email but its answer was lost: the retry gets the remembered answer', async () => {
    const email = message();
    fake.failNext(failures.serverError({ afterDelivery: true }));
    await expect(transport.send(database.handle.db, email)).rejects.toThrow(/500/);
    const retried = await transport.send(database.handle.db, email);
    expect(requestsWithKey(email.idempotencyKey)).toHaveLength(2);
    expect(fake.delivered).toHaveLength(1);
    expect(retried.providerId).toBe(fake.delivered[0]!.id);
  });

  it('turns a 429 into a RetryAfterError at the time Retry-After names', async () => {
    const email = message();
    fake.failNext(failures.rateLimited(7));
    const error = await transport.send(database.handle.db, email).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RetryAfterError);
    expect((error as RetryAfterError).retryAt).toEqual(new Date(NOW.getTime() + 7_000));
    expect((error as RetryAfterError).cause).toMatchObject({ statusCode: 429, name: 'rate_limit_exceeded' });
    expect(await row(email.idempotencyKey)).toMatchObject({ status: 'QUEUED' });
    expect(fake.delivered).toHaveLength(0);
  });

  it('treats concurrent_idempotent_requests as retryable', async () => {
    fake.failNext(failures.concurrentIdempotentRequests());
    const error = await transport.send(database.handle.db, message()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(NonRetriableError);
    expect((error as Error).message).toContain('concurrent_idempotent_requests');
  });

  it('fails a 422 validation error for good: NonRetriableError and the row FAILED with the reason', async () => {
    const email = message();
    fake.failNext(failures.validation('Invalid `to` field. The email address needs to follow the `email@example.com` format.'));
    await expect(transport.send(database.handle.db, email)).rejects.toBeInstanceOf(NonRetriableError);
    expect(await row(email.idempotencyKey)).toMatchObject({ status: 'FAILED', error: expect.stringContaining('422 validation_error: Invalid `to` field') });
    expect(fake.delivered).toHaveLength(0);
  });

  it('fails for good when a key comes back with a different email (invalid_idempotent_request)', async () => {
    const email = message();
    fake.failNext(failures.serverError({ afterDelivery: true }));
    await expect(transport.send(database.handle.db, email)).rejects.toThrow(/500/);
    await expect(transport.send(database.handle.db, { ...email, subject: 'Something else' })).rejects.toBeInstanceOf(NonRetriableError);
    expect(await row(email.idempotencyKey)).toMatchObject({ status: 'FAILED', error: expect.stringContaining('invalid_idempotent_request') });
    expect(fake.delivered).toHaveLength(1);
  });

  it('refuses an idempotency key longer than 256 characters before calling Resend', async () => {
    await expect(transport.send(database.handle.db, message({ idempotencyKey: 'k'.repeat(257) }))).rejects.toBeInstanceOf(NonRetriableError);
    await expect(transport.send(database.handle.db, message({ idempotencyKey: 'k'.repeat(256) }))).resolves.toMatchObject({ deduplicated: false });
    expect(fake.requests).toHaveLength(1);
  });

  it('retries when Resend cannot be reached at all', async () => {
    const unreachable = await startFakeResend();
    vi.stubEnv('RESEND_BASE_URL', unreachable.url);
    const offline = createEmailTransport({ resendApiKey: 're_test_key', from: 'Signing <no-reply@example.com>' });
    vi.stubEnv('RESEND_BASE_URL', fake.url);
    await unreachable.close();
    const email = message();
    const error = await offline.send(database.handle.db, email).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(NonRetriableError);
    expect(await row(email.idempotencyKey)).toMatchObject({ status: 'QUEUED', error: expect.stringContaining('unreachable') });
  });
});
