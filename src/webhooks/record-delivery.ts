// The delivery log behind GET /api/webhooks/:id/deliveries: one row per attempt, whatever its outcome.
import type { Database } from '../db/client';
import { webhookDeliveries } from '../db/schema';
import type { DeliveryResult } from './deliver';

export interface DeliveryRecord {
  webhookId: string;
  event: string;
  messageId: string;
  payload: unknown;
  attempt: number;
  result: DeliveryResult;
}

/** Inserts the attempt and returns the row id. The excerpt is already capped by deliverWebhook. */
export async function recordDelivery(db: Database, record: DeliveryRecord): Promise<{ id: string }> {
  const { result } = record;
  const [row] = await db
    .insert(webhookDeliveries)
    .values({
      webhookId: record.webhookId,
      event: record.event,
      messageId: record.messageId,
      payload: record.payload,
      attempt: record.attempt,
      statusCode: result.statusCode ?? null,
      responseExcerpt: result.responseExcerpt ?? null,
      durationMs: result.durationMs,
      error: result.error ?? null,
    })
    .returning({ id: webhookDeliveries.id });
  return row!;
}
