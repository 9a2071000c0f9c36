/** The event types an endpoint can subscribe to; they are the `type` of the Standard Webhooks envelope. */
export const WEBHOOK_EVENTS = ['document.completed', 'document.rejected', 'recipient.expired'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** An endpoint disabled after failing without a single success for this long (its owner is emailed). */
export const WEBHOOK_DISABLE_AFTER_MS = 3 * 24 * 60 * 60 * 1000;
