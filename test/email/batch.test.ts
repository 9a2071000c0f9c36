import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { emailMessages } from '../../src/db/schema';
import { createEmailTransport, type EmailMessage, type EmailTransport } from '../../src/email/transport';
import { NonRetriableError } from '../../src/jobs/errors';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { failures, startFakeResend, type FakeResend } from '../helpers/fake-resend';

let database: TestDatabase;
let fake: FakeResend;
let transport: EmailTransport;

function messages(job: string, count: number): EmailMessage[] {
  return Array.from({ length: count }, (_, index) => ({
    to: `recipient${index}@example.com`,
    subject: 'Document completed',
    html: `<p>Hello ${index}</p>`,
    text: `Hello ${index}`,
    idempotencyKey: `${job}/notify-recipients/${index}`,
  }));
}

const batchRequests = () => fake.requests.filter((request) => request.path === '/emails/batch');
const statuses = async (batch: EmailMessage[]) => {
  const rows = await database.handle.db
    .select()
    .from(emailMessages)
    .where(inArray(emailMessages.idempotencyKey, batch.map((m) => m.idempotencyKey)));
  return rows.reduce<Record<string, number>>((counts, row) => ({ ...counts, [row.status]: (counts[row.status] ?? 0) + 1 }), {});
};

beforeAll(async () => {
  database = await createTestDatabase('postgres');
  fake = await startFakeResend();
  vi.stubEnv('RESEND_BASE_URL', fake.url);
  transport = createEmailTransport({ resendApiKey: 're_test_key', from: 'Signing <no-reply@example.com>' });
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

describe('sendBatch through Resend', () => {
  it('sends 25 messages as 3 batch requests of at most 10, each with its own derived key', async () => {
    const batch = messages('job-25', 25);
    const results = await transport.sendBatch(database.handle.db, batch);

    expect(batchRequests().map((request) => (request.body as unknown[]).length)).toEqual([10, 10, 5]);
    const keys = batchRequests().map((request) => request.headers['idempotency-key']);
    expect(new Set(keys).size).toBe(3);
    for (const key of keys) expect(key).toMatch(/^batch\/[0-9a-f]{64}$/);
    expect(fake.requests).toHaveLength(3);

    expect(fake.delivered.map((email) => email.to)).toEqual(batch.map((m) => m.to));
    expect(results.map((result) => result.providerId)).toEqual(fake.delivered.map((email) => email.id));
    expect(results.every((result) => result.provider === 'resend' && !result.deduplicated)).toBe(true);
    expect(await statuses(batch)).toEqual({ SENT: 25 });
  });

  it('after a chunk fails, the retry skips chunks already sent and repeats the failed chunk with the same key', async () => {
    const batch = messages('job-partial', 25);
    fake.failNext(failures.serverError(), 1, { after: 1 });
    await expect(transport.sendBatch(database.handle.db, batch)).rejects.toThrow(/500/);
    // Chunk 1 went out, chunk 2 waits for the retry, chunk 3 was never reached.
    expect(await statuses(batch)).toEqual({ SENT: 10, QUEUED: 10 });

    const results = await transport.sendBatch(database.handle.db, batch);
    const [first, failed, retried, last] = batchRequests();
    expect([first, failed, retried, last].map((request) => request?.status)).toEqual([200, 500, 200, 200]);
    expect(retried!.headers['idempotency-key']).toBe(failed!.headers['idempotency-key']);
    expect((last!.body as unknown[]).length).toBe(5);
    expect(fake.delivered.map((email) => email.to)).toEqual(batch.map((m) => m.to));
    expect(results.map((result) => result.deduplicated)).toEqual([...Array(10).fill(true), ...Array(15).fill(false)]);
    expect(await statuses(batch)).toEqual({ SENT: 25 });
  });

  it('delivers each message once when a batch went through but its answer was lost', async () => {
    const batch = messages('job-lost', 12);
    fake.failNext(failures.serverError({ afterDelivery: true }));
    await expect(transport.sendBatch(database.handle.db, batch)).rejects.toThrow(/500/);
    await transport.sendBatch(database.handle.db, batch);
    expect(fake.delivered).toHaveLength(12);
    expect(await statuses(batch)).toEqual({ SENT: 12 });
  });

  it('leaves out messages already sent one by one, and sends the rest', async () => {
    const batch = messages('job-mixed', 4);
    await transport.send(database.handle.db, batch[1]!);
    const results = await transport.sendBatch(database.handle.db, batch);
    expect(batchRequests()).toHaveLength(1);
    expect((batchRequests()[0]!.body as Array<{ to: string }>).map((email) => email.to)).toEqual([batch[0]!.to, batch[2]!.to, batch[3]!.to]);
    expect(results.map((result) => result.deduplicated)).toEqual([false, true, false, false]);
  });

  it('marks a chunk FAILED on a validation error and refuses duplicate keys before sending', async () => {
    const batch = messages('job-invalid', 3);
    fake.failNext(failures.validation());
    await expect(transport.sendBatch(database.handle.db, batch)).rejects.toBeInstanceOf(NonRetriableError);
    expect(await statuses(batch)).toEqual({ FAILED: 3 });

    const duplicated = messages('job-dup', 2).map((m) => ({ ...m, idempotencyKey: 'job-dup/same' }));
    fake.requests.length = 0;
    await expect(transport.sendBatch(database.handle.db, duplicated)).rejects.toBeInstanceOf(NonRetriableError);
    expect(fake.requests).toHaveLength(0);
  });
});
