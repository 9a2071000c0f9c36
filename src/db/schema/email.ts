import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Every email we send, whichever transport carried it; with no Resend key this table is the outbox. Bodies hold live
 * links: the nightly cleanup empties those of SENT rows after EMAIL_BODY_RETENTION_HOURS (body_redacted_at says
 * when) and deletes rows after EMAIL_LOG_RETENTION_DAYS.
 */
export const emailMessages = pgTable(
  'email_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    html: text('html').notNull(),
    text: text('text').notNull(),
    provider: text('provider', { enum: ['resend', 'outbox'] }).notNull(),
    providerId: text('provider_id'),
    /** `<job id>/<step id>[/<n>]`: a retried step finds its earlier send instead of sending again. */
    idempotencyKey: text('idempotency_key').notNull(),
    status: text('status', { enum: ['QUEUED', 'SENT', 'FAILED'] }).notNull().default('QUEUED'),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    bodyRedactedAt: timestamp('body_redacted_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('email_messages_idempotency_key_key').on(table.idempotencyKey),
    index('email_messages_to_created_at_idx').on(table.to, table.createdAt),
    // The redaction finds sent rows still holding a body, oldest first; redacted rows drop out of the index.
    index('email_messages_unredacted_sent_at_idx').on(table.sentAt).where(sql`${table.status} = 'SENT' and ${table.bodyRedactedAt} is null`),
    // The retention delete walks rows by age (deleteOldLogs).
    index('email_messages_created_at_idx').on(table.createdAt),
    check('email_messages_status_check', sql`${table.status} in ('QUEUED', 'SENT', 'FAILED')`),
  ],
);
