import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { webhooks } from '../../db/schema';
import { NotFoundError } from '../errors';
import { isUuid } from '../is-uuid';

/** The caller's endpoint id, or a 404 that says nothing about anyone else's endpoints. */
export async function findOwnedWebhook(db: Database, input: { id: string; ownerId: string }): Promise<{ id: string }> {
  if (!isUuid(input.id)) throw new NotFoundError('Webhook not found');
  const [row] = await db
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(and(eq(webhooks.id, input.id), eq(webhooks.ownerId, input.ownerId)))
    .limit(1);
  if (!row) throw new NotFoundError('Webhook not found');
  return row;
}
