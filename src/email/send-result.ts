import type { Database } from '../db/client';
import type { EmailMessage, EmailProvider, EmailRow } from './email-rows';

export interface SendResult {
  /** The email_messages row. */
  id: string;
  provider: EmailProvider;
  /** Resend's email id; null in the outbox. */
  providerId: string | null;
  /** True when an earlier send with this key had already gone out and nothing was sent now. */
  deduplicated: boolean;
}

export interface EmailTransport {
  readonly provider: EmailProvider;
  send(db: Database, message: EmailMessage): Promise<SendResult>;
  /** Results in the order of `messages`. Resend is called in chunks of 10 messages. */
  sendBatch(db: Database, messages: readonly EmailMessage[]): Promise<SendResult[]>;
}

/** Rows written by this call, and rows found already SENT, as results keyed by idempotency key. */
export function resultsByKey(sentNow: readonly EmailRow[], sentEarlier: readonly EmailRow[]): Map<string, SendResult> {
  const results = new Map<string, SendResult>();
  for (const row of sentNow) results.set(row.idempotencyKey, toResult(row, false));
  for (const row of sentEarlier) results.set(row.idempotencyKey, toResult(row, true));
  return results;
}

function toResult(row: EmailRow, deduplicated: boolean): SendResult {
  return { id: row.id, provider: row.provider, providerId: row.providerId, deduplicated };
}
