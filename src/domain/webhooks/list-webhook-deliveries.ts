import { desc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { webhookDeliveries } from '../../db/schema';
import { findOwnedWebhook } from './find-owned-webhook';

/** What a delivery log shows of each attempt (the payload stays out). */
export const DELIVERY_FIELDS = {
  id: webhookDeliveries.id,
  event: webhookDeliveries.event,
  messageId: webhookDeliveries.messageId,
  attempt: webhookDeliveries.attempt,
  statusCode: webhookDeliveries.statusCode,
  durationMs: webhookDeliveries.durationMs,
  error: webhookDeliveries.error,
  responseExcerpt: webhookDeliveries.responseExcerpt,
  createdAt: webhookDeliveries.createdAt,
};

/** The newest delivery attempts of the caller's endpoint (webhook_deliveries_webhook_id_created_at_idx). */
export async function listWebhookDeliveries(db: Database, input: { id: string; ownerId: string; limit?: number }) {
  const webhook = await findOwnedWebhook(db, input);
  return db
    .select(DELIVERY_FIELDS)
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.webhookId, webhook.id))
    .orderBy(desc(webhookDeliveries.createdAt))
    .limit(input.limit ?? 100);
}
