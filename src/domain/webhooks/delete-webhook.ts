import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { webhooks } from '../../db/schema';
import { NotFoundError } from '../errors';
import { isUuid } from '../is-uuid';

/** Deletes the caller's endpoint and its delivery log (FK cascade); deliveries still queued for it are skipped. */
export async function deleteWebhook(db: Database, input: { id: string; ownerId: string }): Promise<void> {
  const deleted = isUuid(input.id)
    ? await db
        .delete(webhooks)
        .where(and(eq(webhooks.id, input.id), eq(webhooks.ownerId, input.ownerId)))
        .returning({ id: webhooks.id })
    : [];
  if (deleted.length === 0) throw new NotFoundError('Webhook not found');
}
