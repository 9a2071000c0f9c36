import { and, arrayContains, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { webhooks } from '../../db/schema';
import type { WebhookEvent } from './webhook-events';

/** The enabled endpoints of these owners that subscribe to `event` (webhooks_owner_id_idx), in one query. */
export async function findSubscribedWebhooks(db: Database, input: { ownerIds: readonly string[]; event: WebhookEvent }): Promise<Array<{ id: string; ownerId: string }>> {
  if (input.ownerIds.length === 0) return [];
  return db
    .select({ id: webhooks.id, ownerId: webhooks.ownerId })
    .from(webhooks)
    .where(and(inArray(webhooks.ownerId, [...new Set(input.ownerIds)]), eq(webhooks.enabled, true), arrayContains(webhooks.events, [input.event])))
    .orderBy(webhooks.createdAt);
}
