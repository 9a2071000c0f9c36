// Standard Webhooks signing (https://www.standardwebhooks.com): the official `standardwebhooks` package computes
// the signature, so receivers verifying with any Standard Webhooks library agree with us byte for byte.
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export type WebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
  'content-type': 'application/json';
};

/** `whsec_` + base64 of 32 random bytes: inside the 24–64 bytes the spec asks for. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * Signs one attempt. `messageId` must be the same on every attempt (receivers dedupe on it); `timestamp` is the
 * attempt's own time (receivers reject stale ones). Several secrets sign with each, space-separated, so an
 * endpoint keeps verifying while its secret is rotated.
 */
export function signWebhook(input: {
  secret: string | readonly string[];
  messageId: string;
  timestamp: Date;
  body: string;
}): WebhookHeaders {
  const secrets = typeof input.secret === 'string' ? [input.secret] : input.secret;
  if (secrets.length === 0) throw new Error('signWebhook needs at least one secret');
  const signatures = secrets.map((secret) => new Webhook(secret).sign(input.messageId, input.timestamp, input.body));
  return {
    'webhook-id': input.messageId,
    'webhook-timestamp': String(Math.floor(input.timestamp.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
    'content-type': 'application/json',
  };
}
