import type { Database } from '../../db/client';
import { webhooks } from '../../db/schema';
import { assertWebhookUrl, type AddressPolicy } from '../../webhooks/address-guard';
import { generateWebhookSecret } from '../../webhooks/sign';
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
 * 400; names are checked again at every delivery, on the address actually connected to (DNS can change).
 */
export async function registerWebhook(
  db: Database,
  input: { ownerId: string; url: string; events: readonly WebhookEvent[]; policy: AddressPolicy },
): Promise<RegisteredWebhook> {
  const url = assertWebhookUrl(input.url, input.policy).toString();
  const [row] = await db
    .insert(webhooks)
    .values({ ownerId: input.ownerId, url, secret: generateWebhookSecret(), events: [...new Set(input.events)] })
    .returning();
  return { id: row!.id, url: row!.url, events: row!.events, enabled: row!.enabled, createdAt: row!.createdAt, secret: row!.secret };
}
