import { count, eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { users, webhooks } from '../../db/schema';
import { MAX_WEBHOOKS_PER_USER } from '../../limits/rate-limits';
import { assertWebhookUrl, type AddressPolicy } from '../../webhooks/address-guard';
import { generateWebhookSecret } from '../../webhooks/sign';
import { ConflictError } from '../errors';
import type { WebhookEvent } from './webhook-events';

export interface RegisteredWebhook {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  createdAt: Date;
  /** Shown once, here; the receiver verifies signatures with it. */
  secret: string;
}

/**
 * Registers an endpoint. The URL is checked now (scheme, no credentials, no literal private address) for a clear
 * 400; names are checked again at every delivery, on the address actually connected to (DNS can change). An
 * account has at most MAX_WEBHOOKS_PER_USER endpoints (409 past it): each is another copy of every event.
 */
export async function registerWebhook(
  db: Database,
  input: { ownerId: string; url: string; events: readonly WebhookEvent[]; policy: AddressPolicy },
): Promise<RegisteredWebhook> {
  const url = assertWebhookUrl(input.url, input.policy).toString();
  const row = await db.transaction(async (tx) => {
    // The owner's row lock serializes their registrations, so two at once cannot both take the last place.
    await tx.select({ id: users.id }).from(users).where(eq(users.id, input.ownerId)).for('update');
    const [existing] = await tx.select({ count: count() }).from(webhooks).where(eq(webhooks.ownerId, input.ownerId));
    if ((existing?.count ?? 0) >= MAX_WEBHOOKS_PER_USER) {
      throw new ConflictError(`An account may have at most ${MAX_WEBHOOKS_PER_USER} webhooks; delete one first`);
    }
    const [inserted] = await tx
      .insert(webhooks)
      .values({ ownerId: input.ownerId, url, secret: generateWebhookSecret(), events: [...new Set(input.events)] })
      .returning();
    return inserted!;
  });
  return { id: row.id, url: row.url, events: row.events, enabled: row.enabled, createdAt: row.createdAt, secret: row.secret };
}
