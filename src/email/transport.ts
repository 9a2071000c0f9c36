// Sends email through Resend, or, with no API key, through the outbox: the email_messages row is the sent email
// (development, tests, self-hosting without a provider). Either way one row per idempotency key, and a key
// whose row is SENT is never sent again.
import type { Database } from '../db/client';
import { claimUnsent, findByKeys, type EmailMessage } from './email-rows';
import { assertIdempotencyKeys } from './idempotency-key';
import { createResendTransport } from './resend-transport';
import { resultsByKey, type EmailTransport } from './send-result';

export type { EmailMessage } from './email-rows';
export type { EmailTransport, SendResult } from './send-result';

export interface EmailTransportConfig {
  /** Without one, the outbox. The Resend SDK reads RESEND_BASE_URL itself, when the transport is created. */
  resendApiKey?: string;
  /** `Name <address>`. */
  from: string;
  now?: () => Date;
}

export function createEmailTransport(config: EmailTransportConfig): EmailTransport {
  const now = config.now ?? (() => new Date());
  if (config.resendApiKey) return createResendTransport({ apiKey: config.resendApiKey, from: config.from, now });
  return createOutboxTransport(now);
}

function createOutboxTransport(now: () => Date): EmailTransport {
  const sendBatch = async (db: Database, messages: readonly EmailMessage[]) => {
    const keys = messages.map((message) => message.idempotencyKey);
    assertIdempotencyKeys(keys);
    if (keys.length === 0) return [];
    // Writing the row as SENT is the whole send.
    const written = await claimUnsent(db, messages, { provider: 'outbox', status: 'SENT', now: now() });
    const writtenKeys = new Set(written.map((row) => row.idempotencyKey));
    const results = resultsByKey(written, await findByKeys(db, keys.filter((key) => !writtenKeys.has(key))));
    return keys.map((key) => results.get(key)!);
  };
  return { provider: 'outbox', sendBatch, send: async (db, message) => (await sendBatch(db, [message]))[0]! };
}
