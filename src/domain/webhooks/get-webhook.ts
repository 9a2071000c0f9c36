import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { webhooks } from '../../db/schema';

export type WebhookRow = typeof webhooks.$inferSelect;

/** An endpoint with its secret, for delivery; undefined once deleted. */
export async function getWebhook(db: Database, id: string): Promise<WebhookRow | undefined> {
  const [row] = await db.select().from(webhooks).where(eq(webhooks.id, id)).limit(1);
  return row;
}
