// email_messages is both the record of every send and the marker that outlives Resend's 24-hour idempotency
// window: a SENT row means "never send this key again", whichever transport sent it.
import { inArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import { emailMessages } from '../db/schema';

export type EmailRow = typeof emailMessages.$inferSelect;
export type EmailProvider = EmailRow['provider'];

export interface EmailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** `<job id>/<step id>[/<n>]`, at most 256 characters. */
  idempotencyKey: string;
}

const excluded = (column: string): SQL => sql.raw(`excluded."${column}"`);

/**
 * Inserts a row per message, or refreshes one that is not SENT yet (a retry after a failure), and returns the
 * rows it wrote. A key missing from the result is already SENT: the unique index and the WHERE on the update
 * make that decision atomic, even for two workers racing on one key.
 */
export async function claimUnsent(
  db: Database,
  messages: readonly EmailMessage[],
  write: { provider: EmailProvider; status: 'QUEUED' | 'SENT'; now: Date },
): Promise<EmailRow[]> {
  const sentAt = write.status === 'SENT' ? write.now : null;
  return db
    .insert(emailMessages)
    .values(messages.map((message) => ({ ...message, provider: write.provider, status: write.status, sentAt })))
    .onConflictDoUpdate({
      target: emailMessages.idempotencyKey,
      set: {
        to: excluded('to'),
        subject: excluded('subject'),
        html: excluded('html'),
        text: excluded('text'),
        provider: write.provider,
        status: write.status,
        sentAt,
        error: null,
      },
      setWhere: sql`${emailMessages.status} <> 'SENT'`,
    })
    .returning();
}

export async function findByKeys(db: Database, keys: readonly string[]): Promise<EmailRow[]> {
  if (keys.length === 0) return [];
  return db.select().from(emailMessages).where(inArray(emailMessages.idempotencyKey, [...keys]));
}

/** Marks a whole request's messages SENT in one statement, so a crash cannot leave half a batch unmarked. */
export async function markSent(db: Database, sends: ReadonlyArray<{ key: string; providerId: string }>, now: Date): Promise<EmailRow[]> {
  const providerId = sql`case ${emailMessages.idempotencyKey} ${sql.join(
    sends.map(({ key, providerId }) => sql`when ${key} then ${providerId}`),
    sql` `,
  )} end`;
  return db
    .update(emailMessages)
    .set({ status: 'SENT', providerId, sentAt: now, error: null })
    .where(inArray(emailMessages.idempotencyKey, sends.map(({ key }) => key)))
    .returning();
}

/** Records why a send failed; FAILED only when no retry can succeed, else the row stays QUEUED for the retry. */
export async function markFailed(db: Database, keys: readonly string[], error: string, status: 'FAILED' | 'QUEUED'): Promise<void> {
  await db
    .update(emailMessages)
    .set({ status, error })
    .where(inArray(emailMessages.idempotencyKey, [...keys]));
}
