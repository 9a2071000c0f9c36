import { desc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { webhooks } from '../../db/schema';

/** The caller's endpoints, newest first, without their secrets. */
export async function listWebhooks(db: Database, ownerId: string) {
  return db
    .select({
      id: webhooks.id,
      url: webhooks.url,
      events: webhooks.events,
      enabled: webhooks.enabled,
      failingSince: webhooks.failingSince,
      disabledAt: webhooks.disabledAt,
      createdAt: webhooks.createdAt,
    })
    .from(webhooks)
    .where(eq(webhooks.ownerId, ownerId))
    .orderBy(desc(webhooks.createdAt));
}
