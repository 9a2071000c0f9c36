import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { webhooks } from '../../db/schema';

/**
 * Disables an endpoint. Returns true only for the call that flipped it, so of several deliveries that give up on
 * the same endpoint at once, exactly one tells the owner.
 */
export async function disableWebhook(db: Database, input: { id: string; now: Date }): Promise<boolean> {
  const flipped = await db
    .update(webhooks)
    .set({ enabled: false, disabledAt: input.now })
    .where(and(eq(webhooks.id, input.id), eq(webhooks.enabled, true)))
    .returning({ id: webhooks.id });
  return flipped.length > 0;
}
