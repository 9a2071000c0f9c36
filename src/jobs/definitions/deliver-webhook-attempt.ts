// One delivery attempt of trigger-webhook, with its bookkeeping: the attempt's row in webhook_deliveries, the
// endpoint's run of failures, and the decision to disable it (410 Gone, or failing for days).
import { disableWebhook } from '../../domain/webhooks/disable-webhook';
import { getWebhook } from '../../domain/webhooks/get-webhook';
import { recordWebhookHealth } from '../../domain/webhooks/record-webhook-health';
import { WEBHOOK_DISABLE_AFTER_MS } from '../../domain/webhooks/webhook-events';
import { deliverWebhook } from '../../webhooks/deliver';
import { recordDelivery } from '../../webhooks/record-delivery';
import type { JobDeps } from './deps';

export interface DeliveryRequest {
  webhookId: string;
  event: string;
  messageId: string;
  payload: Record<string, unknown>;
  occurredAt?: string;
}

export type AttemptOutcome =
  | { outcome: 'delivered'; statusCode: number }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'disabled'; reason: string; url: string; ownerId: string }
  | { outcome: 'retry'; error: string; retryAfterMs?: number };

export async function deliverWebhookAttempt(deps: JobDeps, request: DeliveryRequest, attempt: number): Promise<AttemptOutcome> {
  const webhook = await getWebhook(deps.db, request.webhookId);
  if (!webhook) return { outcome: 'skipped', reason: 'the endpoint was deleted' };
  if (!webhook.enabled) return { outcome: 'skipped', reason: 'the endpoint is disabled' };

  // Signed with the wall clock, not deps.now: receivers compare webhook-timestamp with their own clocks.
  const result = await deliverWebhook(
    {
      url: webhook.url,
      secret: webhook.secret,
      messageId: request.messageId,
      event: request.event,
      payload: request.payload,
      occurredAt: request.occurredAt ? new Date(request.occurredAt) : undefined,
    },
    { allowPrivate: deps.webhooks.allowPrivate, allowedHosts: deps.webhooks.allowedHosts, timeoutMs: deps.webhooks.timeoutMs },
  );
  await recordDelivery(deps.db, { ...request, attempt, result });
  const now = deps.now();
  if (result.outcome === 'delivered') {
    await recordWebhookHealth(deps.db, { id: webhook.id, ok: true, now });
    return { outcome: 'delivered', statusCode: result.statusCode! };
  }
  const disable = (reason: string): Promise<AttemptOutcome> =>
    disableWebhook(deps.db, { id: webhook.id, now }).then((flipped) =>
      flipped ? { outcome: 'disabled', reason, url: webhook.url, ownerId: webhook.ownerId } : { outcome: 'skipped', reason: 'the endpoint is disabled' },
    );
  if (result.outcome === 'disable') return disable('it answered 410 Gone, which asks senders to stop');
  const { failingSince } = await recordWebhookHealth(deps.db, { id: webhook.id, ok: false, now });
  if (failingSince && now.getTime() - failingSince.getTime() >= WEBHOOK_DISABLE_AFTER_MS) {
    return disable(`every delivery since ${failingSince.toISOString()} failed (last: ${result.error ?? 'unknown error'})`);
  }
  return { outcome: 'retry', error: result.error ?? 'delivery failed', ...(result.retryAfterMs !== undefined && { retryAfterMs: result.retryAfterMs }) };
}
