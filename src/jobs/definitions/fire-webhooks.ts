// Fan-out of one app event to the endpoints subscribed to it: each (endpoint, message) becomes its own
// trigger-webhook job, so a slow or failing endpoint retries alone and never delays another.
import { findSubscribedWebhooks } from '../../domain/webhooks/find-subscribed-webhooks';
import type { WebhookEvent } from '../../domain/webhooks/webhook-events';
import type { StepTools } from '../define';
import { webhookDeliveryRequested } from '../events';
import type { JobDeps } from './deps';

export interface WebhookMessageInput {
  ownerId: string;
  /** The `webhook-id`: deterministic per event and subject, so even a duplicated job yields the same id. */
  messageId: string;
  payload: Record<string, unknown>;
  occurredAt: string;
}

/** Two memoized steps: find the subscribers (`find-webhooks`), then enqueue one delivery per subscriber and message (`fire-webhooks`). */
export async function fireWebhooks(step: StepTools, deps: JobDeps, event: WebhookEvent, messages: readonly WebhookMessageInput[]): Promise<number> {
  if (messages.length === 0) return 0;
  const targets = await step.run('find-webhooks', () => findSubscribedWebhooks(deps.db, { ownerIds: messages.map((m) => m.ownerId), event }));
  const deliveries = targets.flatMap((webhook) =>
    messages
      .filter((message) => message.ownerId === webhook.ownerId)
      .map((message) => ({
        name: webhookDeliveryRequested.name,
        data: { webhookId: webhook.id, event, messageId: message.messageId, payload: message.payload, occurredAt: message.occurredAt },
      })),
  );
  if (deliveries.length) await step.sendEvent('fire-webhooks', deliveries);
  return deliveries.length;
}

export function webhookMessageId(event: WebhookEvent, subjectId: string): string {
  return `msg_${event}_${subjectId}`;
}
