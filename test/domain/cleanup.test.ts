// The cleanups against real databases: batched deletes that stop at the cutoff, purges with exact counts, and the
// cross-process lock that keeps two cleanups from running at once, on PostgreSQL and on PGlite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExclusive } from '../../src/db/exclusive';
import { deleteOldLogs } from '../../src/domain/cleanup/delete-old-logs';
import { redactSentEmailBodies } from '../../src/domain/cleanup/redact-sent-email-bodies';
import { runCleanup } from '../../src/domain/cleanup/run-cleanup';
import { createEmailTransport } from '../../src/email/transport';
import { createTestDatabase, type TestDatabase, type TestDriver } from '../helpers/database';

describe.each<TestDriver>(['postgres', 'pglite'])('cleanup on %s', (driver) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(driver);
  });
  afterAll(() => database.drop());

  it('deletes only rows older than the cutoff, in batches, until none are left', async () => {
    const sql = database.handle.sql;
    await sql.query(`insert into audit_logs (type, created_at) select 'old', timestamptz '2026-01-01' - n * interval '1 minute' from generate_series(1, 23) n`);
    await sql.query(`insert into audit_logs (type, created_at) select 'new', timestamptz '2026-01-01' + n * interval '1 minute' from generate_series(0, 4) n`);
    const deleted = await deleteOldLogs(database.handle.db, { table: 'audit_logs', before: new Date('2026-01-01T00:00:00Z'), batchSize: 5 });
    expect(deleted).toBe(23);
    expect(await sql.query(`select type from audit_logs`)).toEqual(Array(5).fill({ type: 'new' }));
  });

  it('empties the bodies of emails sent before the cutoff only; unsent and recent ones keep theirs, and a redacted one is never sent again', async () => {
    const sql = database.handle.sql;
    await sql.query(
      `insert into email_messages ("to", subject, html, text, provider, provider_id, idempotency_key, status, created_at, sent_at) values
         ('a@example.com', 'Old sent', '<a href="/sign/sgn_a">', '/sign/sgn_a', 'resend', 're_1', 'k/old-sent', 'SENT', '2026-01-01', '2026-01-01'),
         ('b@example.com', 'Old queued', '/sign/sgn_b', '/sign/sgn_b', 'resend', null, 'k/old-queued', 'QUEUED', '2026-01-01', null),
         ('c@example.com', 'Old failed', '/sign/sgn_c', '/sign/sgn_c', 'resend', null, 'k/old-failed', 'FAILED', '2026-01-01', null),
         ('d@example.com', 'New sent', '/sign/sgn_d', '/sign/sgn_d', 'outbox', null, 'k/new-sent', 'SENT', '2026-01-03', '2026-01-03')`,
    );
    const now = new Date('2026-01-04T00:00:00Z');
    expect(await redactSentEmailBodies(database.handle.db, { before: new Date('2026-01-02T00:00:00Z'), now, batchSize: 1 })).toBe(1);
    expect(await sql.query(`select idempotency_key as key, subject, provider_id, status, html, text, body_redacted_at is not null as redacted from email_messages where idempotency_key like 'k/%' order by idempotency_key`)).toEqual([
      { key: 'k/new-sent', subject: 'New sent', provider_id: null, status: 'SENT', html: '/sign/sgn_d', text: '/sign/sgn_d', redacted: false },
      { key: 'k/old-failed', subject: 'Old failed', provider_id: null, status: 'FAILED', html: '/sign/sgn_c', text: '/sign/sgn_c', redacted: false },
      { key: 'k/old-queued', subject: 'Old queued', provider_id: null, status: 'QUEUED', html: '/sign/sgn_b', text: '/sign/sgn_b', redacted: false },
      { key: 'k/old-sent', subject: 'Old sent', provider_id: 're_1', status: 'SENT', html: '', text: '', redacted: true },
    ]);
    // A retried step presents the key again: it is SENT, so nothing goes out and the row stays as it is.
    const outbox = createEmailTransport({ from: 'Test <t@example.com>', now: () => now });
    const [result] = await outbox.sendBatch(database.handle.db, [{ to: 'a@example.com', subject: 'Old sent', html: '', text: '', idempotencyKey: 'k/old-sent' }]);
    expect(result).toMatchObject({ deduplicated: true });
    expect(await redactSentEmailBodies(database.handle.db, { before: new Date('2026-01-02T00:00:00Z'), now })).toBe(0);
  });

  it('the nightly log cleanup redacts sent bodies past EMAIL_BODY_RETENTION_HOURS and deletes email rows past EMAIL_LOG_RETENTION_DAYS', async () => {
    const sql = database.handle.sql;
    await sql.query(`delete from email_messages`);
    await sql.query(
      `insert into email_messages ("to", subject, html, text, provider, idempotency_key, status, created_at, sent_at) values
         ('e@example.com', 'Ancient', 'x', 'x', 'outbox', 'r/ancient', 'SENT', now() - interval '40 days', now() - interval '40 days'),
         ('f@example.com', 'Yesterday', '/verify-email/vrf_f', '/verify-email/vrf_f', 'outbox', 'r/yesterday', 'SENT', now() - interval '25 hours', now() - interval '25 hours'),
         ('g@example.com', 'Just now', '/verify-email/vrf_g', '/verify-email/vrf_g', 'outbox', 'r/now', 'SENT', now(), now())`,
    );
    const counts = await runCleanup(database.handle.db, {
      logs: true,
      documents: false,
      now: new Date(),
      exclusive: createExclusive(database.handle),
      source: 'test',
      emailRetention: { bodyHours: 24, days: 30 },
    });
    expect(counts).toMatchObject({ emailBodies: 2, emails: 1 });
    expect(await sql.query(`select idempotency_key as key, text from email_messages order by idempotency_key`)).toEqual([
      { key: 'r/now', text: '/verify-email/vrf_g' },
      { key: 'r/yesterday', text: '' },
    ]);
  });

  it('runs an exclusive task in one place at a time, and frees the lock when the task ends or fails', async () => {
    const exclusive = createExclusive(database.handle);
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const holding = exclusive('cleanup', () => {
      started();
      return new Promise<string>((resolve) => (release = () => resolve('done')));
    });
    await running;
    expect(await exclusive('cleanup', async () => 'second')).toEqual({ acquired: false });
    expect(await createExclusive(database.handle)('another-task', async () => 'other')).toEqual({ acquired: true, result: 'other' });
    release();
    expect(await holding).toEqual({ acquired: true, result: 'done' });
    await expect(exclusive('cleanup', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await exclusive('cleanup', async () => 'again')).toEqual({ acquired: true, result: 'again' });
  });
});
