import { desc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { emailMessages } from '../../db/schema';

export const EMAIL_STATUSES = ['QUEUED', 'SENT', 'FAILED'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

/**
 * The newest emails, for support ("was it sent, and when"): recipient, subject, status, transport and error. Never
 * the bodies: they hold live signing and reset links. Newest first through email_messages_created_at_idx.
 */
export async function listRecentEmails(db: Database, input: { status?: EmailStatus; limit?: number } = {}) {
  return db
    .select({
      id: emailMessages.id,
      to: emailMessages.to,
      subject: emailMessages.subject,
      status: emailMessages.status,
      provider: emailMessages.provider,
      providerId: emailMessages.providerId,
      error: emailMessages.error,
      createdAt: emailMessages.createdAt,
      sentAt: emailMessages.sentAt,
    })
    .from(emailMessages)
    .where(input.status ? eq(emailMessages.status, input.status) : undefined)
    .orderBy(desc(emailMessages.createdAt))
    .limit(input.limit ?? 100);
}
