import { bigint, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Events a committed change owes a provider that enqueues outside the database (BullMQ, Inngest): written in the
 * change's own transaction, deleted once the provider took them, so a provider that is down when the change commits
 * delays its jobs instead of losing them (src/jobs/event-outbox.ts). The local provider enqueues in the transaction
 * itself and never writes here.
 */
export const eventOutbox = pgTable(
  'event_outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** The validated events, each with the id that makes a second send create nothing twice. */
    events: jsonb('events').notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // No index but the primary key: the relay walks due rows in id order, and the table is empty but for an outage.
);
