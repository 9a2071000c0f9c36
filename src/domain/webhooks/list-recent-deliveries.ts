import { desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { webhookDeliveries, webhooks } from '../../db/schema';
import { DELIVERY_FIELDS } from './list-webhook-deliveries';

export const DELIVERY_OUTCOMES = ['ok', 'failed'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** A delivery succeeded when the receiver answered 2xx and nothing went wrong on our side (no answer is a failure). */
const succeeded = sql`coalesce(${webhookDeliveries.statusCode} between 200 and 299, false) and ${webhookDeliveries.error} is null`;

/**
 * The newest delivery attempts across every endpoint, for support (the operators' dashboard): who was called, how it
 * answered, how long it took. Payloads stay out. An operator's read, not a job's: it scans by time, newest first.
 */
export async function listRecentDeliveries(db: Database, input: { outcome?: DeliveryOutcome; limit?: number } = {}) {
  const where = input.outcome === 'ok' ? succeeded : input.outcome === 'failed' ? sql`not (${succeeded})` : undefined;
  return db
    .select({ ...DELIVERY_FIELDS, url: webhooks.url, succeeded: sql<boolean>`${succeeded}` })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .where(where)
    .orderBy(desc(webhookDeliveries.createdAt))
    .limit(input.limit ?? 100);
}
