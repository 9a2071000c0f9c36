import { sql } from 'drizzle-orm';
import { boolean, check, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

export const DOCUMENT_STATUSES = ['DRAFT', 'PENDING', 'COMPLETED', 'REJECTED'] as const;
export const RECIPIENT_STATUSES = ['PENDING', 'SIGNED', 'REJECTED', 'EXPIRED'] as const;

export const documents = pgTable(
  'documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    status: text('status', { enum: DOCUMENT_STATUSES }).notNull().default('DRAFT'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    rejectedAt: timestamp('rejected_at', { withTimezone: true }),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (table) => [
    index('documents_owner_id_idx').on(table.ownerId),
    // document-cleanup scans only soft-deleted rows, oldest first.
    index('documents_deleted_at_idx').on(table.deletedAt).where(sql`${table.deletedAt} is not null`),
    check('documents_status_check', sql`${table.status} in ('DRAFT', 'PENDING', 'COMPLETED', 'REJECTED')`),
  ],
);

export const recipients = pgTable(
  'recipients',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    name: text('name'),
    /** SHA-256 of the signing token; the token exists only inside the email step that sends it. */
    signingTokenHash: text('signing_token_hash'),
    status: text('status', { enum: RECIPIENT_STATUSES }).notNull().default('PENDING'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    signedAt: timestamp('signed_at', { withTimezone: true }),
    rejectedAt: timestamp('rejected_at', { withTimezone: true }),
    rejectionReason: text('rejection_reason'),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    expirationNotified: boolean('expiration_notified').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('recipients_document_id_idx').on(table.documentId),
    uniqueIndex('recipients_signing_token_hash_key').on(table.signingTokenHash),
    // expire-recipients-sweep: pending, unnotified recipients past their expiry, oldest first, LIMIT 1000.
    index('recipients_expiry_sweep_idx')
      .on(table.expiresAt)
      .where(sql`${table.status} = 'PENDING' and ${table.expirationNotified} = false and ${table.expiresAt} is not null`),
    check('recipients_status_check', sql`${table.status} in ('PENDING', 'SIGNED', 'REJECTED', 'EXPIRED')`),
  ],
);
