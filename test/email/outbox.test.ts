import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { emailMessages } from '../../src/db/schema';
import { createEmailTransport } from '../../src/email/transport';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startFakeResend, type FakeResend } from '../helpers/fake-resend';

const NOW = new Date('2026-03-01T12:00:00Z');
const outbox = createEmailTransport({ from: 'Signing <no-reply@example.com>', now: () => NOW });
let database: TestDatabase;
let fake: FakeResend;

const email = (key: string) => ({ to: 'owner@example.com', subject: 'Your document is complete', html: '<p>Done</p>', text: 'Done', idempotencyKey: key });

beforeAll(async () => {
  database = await createTestDatabase('postgres');
  // Pointed at a fake so that any stray HTTP call would be counted.
  fake = await startFakeResend();
  vi.stubEnv('RESEND_BASE_URL', fake.url);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await fake.close();
  await database.drop();
});

describe('outbox transport (no Resend API key)', () => {
  it('writes the email as a SENT outbox row and makes no HTTP call', async () => {
    const result = await outbox.send(database.handle.db, email('job-1/send-completed-email'));
    expect(outbox.provider).toBe('outbox');
    expect(result).toEqual({ id: expect.any(String), provider: 'outbox', providerId: null, deduplicated: false });
    const rows = await database.handle.db.select().from(emailMessages).where(eq(emailMessages.id, result.id));
    expect(rows).toEqual([
      expect.objectContaining({ to: 'owner@example.com', subject: 'Your document is complete', html: '<p>Done</p>', text: 'Done', status: 'SENT', sentAt: NOW }),
    ]);
    expect(fake.requests).toHaveLength(0);
  });

  it('keeps one row per key however often a retried step sends it', async () => {
    const key = 'job-2/send-completed-email';
    const first = await outbox.send(database.handle.db, email(key));
    const again = await outbox.send(database.handle.db, email(key));
    const [batched] = await outbox.sendBatch(database.handle.db, [email(key)]);
    expect(again).toEqual({ ...first, deduplicated: true });
    expect(batched).toEqual({ ...first, deduplicated: true });
    const rows = await database.handle.db.select().from(emailMessages).where(eq(emailMessages.idempotencyKey, key));
    expect(rows).toHaveLength(1);
  });

  it('writes a batch as one row per message, in order', async () => {
    const batch = Array.from({ length: 25 }, (_, index) => email(`job-3/notify/${index}`));
    const results = await outbox.sendBatch(database.handle.db, batch);
    expect(results).toHaveLength(25);
    expect(new Set(results.map((result) => result.id)).size).toBe(25);
    expect(results.every((result) => result.provider === 'outbox' && !result.deduplicated)).toBe(true);
    expect(await outbox.sendBatch(database.handle.db, [])).toEqual([]);
  });

  it('works the same on embedded PGlite', async () => {
    const embedded = await createTestDatabase('pglite');
    try {
      const first = await outbox.send(embedded.handle.db, email('job-4/send'));
      const again = await outbox.send(embedded.handle.db, email('job-4/send'));
      expect(again).toEqual({ ...first, deduplicated: true });
      const rows = await embedded.handle.db.select().from(emailMessages);
      expect(rows).toEqual([expect.objectContaining({ idempotencyKey: 'job-4/send', status: 'SENT', provider: 'outbox' })]);
    } finally {
      await embedded.drop();
    }
  });
});
