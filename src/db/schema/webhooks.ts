import { boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

export const webhooks = pgTable(
  'webhooks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    /** Standard Webhooks secret, `whsec_` + base64; needed in clear to sign deliveries. */
    secret: text('secret').notNull(),
    events: text('events').array().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** Start of the current run of failed deliveries; an endpoint failing for days is disabled. */
    failingSince: timestamp('failing_since', { withTimezone: true }),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // Fan-out looks up an owner's enabled endpoints for an event.
  (table) => [index('webhooks_owner_id_idx').on(table.ownerId)],
);

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
    /** The `webhook-id` header: stable across retries so receivers can deduplicate. */
    messageId: text('message_id').notNull(),
    payload: jsonb('payload').notNull(),
    attempt: integer('attempt').notNull(),
    statusCode: integer('status_code'),
    responseExcerpt: text('response_excerpt'),
    durationMs: integer('duration_ms'),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    // GET /api/webhooks/:id/deliveries lists newest first.
    index('webhook_deliveries_webhook_id_created_at_idx').on(table.webhookId, table.createdAt),
    index('webhook_deliveries_message_id_idx').on(table.messageId),
    // The operators' dashboard lists the newest attempts across every endpoint (list-recent-deliveries.ts).
    index('webhook_deliveries_created_at_idx').on(table.createdAt),
  ],
);
