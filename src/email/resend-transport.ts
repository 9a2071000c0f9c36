// The Resend side of the transport. Two layers of idempotency: Resend's Idempotency-Key (24 h) covers a retry
// whose first request went through but whose answer was lost; our SENT row covers any retry after that.
import { Resend } from 'resend';
import type { Database } from '../db/client';
import { hasErrorCode } from '../jobs/errors';
import { claimUnsent, findByKeys, markFailed, markSent, type EmailMessage } from './email-rows';
import { assertIdempotencyKeys, batchIdempotencyKey } from './idempotency-key';
import { toSendError } from './resend-errors';
import { resultsByKey, type EmailTransport, type SendResult } from './send-result';

/**
 * Messages per batch request. Resend takes 100, but strict validation fails a request as a whole, so a smaller
 * chunk bounds how many messages one bad address holds back.
 */
export const BATCH_CHUNK_SIZE = 10;

/** Sends the messages in one Resend request; resolves to Resend's ids in the same order. */
type Post = (messages: readonly EmailMessage[]) => Promise<string[]>;

export function createResendTransport(config: { apiKey: string; from: string; now: () => Date }): EmailTransport {
  // Constructed once per transport: the SDK fixes its base URL (RESEND_BASE_URL or the default) here.
  const resend = new Resend(config.apiKey);
  const toPayload = ({ to, subject, html, text }: EmailMessage) => ({ from: config.from, to, subject, html, text });

  const postOne: Post = async ([message]) => {
    const { data, error, headers } = await resend.emails.send(toPayload(message!), { idempotencyKey: message!.idempotencyKey });
    if (error) throw toSendError(error, headers, config.now());
    return [data.id];
  };

  const postBatch: Post = async (messages) => {
    const idempotencyKey = batchIdempotencyKey(messages.map((message) => message.idempotencyKey));
    const { data, error, headers } = await resend.batch.send(messages.map(toPayload), { idempotencyKey });
    if (error) throw toSendError(error, headers, config.now());
    if (data.data.length !== messages.length) throw new Error(`Resend answered a batch of ${messages.length} with ${data.data.length} ids`);
    return data.data.map(({ id }) => id);
  };

  /** Claims the messages not sent yet, posts them, and records the outcome on their rows. */
  async function sendChunk(db: Database, chunk: readonly EmailMessage[], post: Post): Promise<Map<string, SendResult>> {
    const claimed = await claimUnsent(db, chunk, { provider: 'resend', status: 'QUEUED', now: config.now() });
    const claimedKeys = new Set(claimed.map((row) => row.idempotencyKey));
    const sentEarlier = await findByKeys(db, chunk.map((m) => m.idempotencyKey).filter((key) => !claimedKeys.has(key)));
    const pending = chunk.filter((message) => claimedKeys.has(message.idempotencyKey));
    if (pending.length === 0) return resultsByKey([], sentEarlier);

    const keys = pending.map((message) => message.idempotencyKey);
    let ids: string[];
    try {
      ids = await post(pending);
    } catch (error) {
      // FAILED only when no retry can help; otherwise the row waits, QUEUED, for the job's next attempt.
      await markFailed(db, keys, (error as Error).message, hasErrorCode(error, 'NON_RETRIABLE') ? 'FAILED' : 'QUEUED');
      throw error;
    }
    const sentNow = await markSent(db, keys.map((key, index) => ({ key, providerId: ids[index]! })), config.now());
    return resultsByKey(sentNow, sentEarlier);
  }

  return {
    provider: 'resend',
    async send(db, message) {
      assertIdempotencyKeys([message.idempotencyKey]);
      return (await sendChunk(db, [message], postOne)).get(message.idempotencyKey)!;
    },
    async sendBatch(db, messages) {
      assertIdempotencyKeys(messages.map((message) => message.idempotencyKey));
      const results = new Map<string, SendResult>();
      // Chunked by position before sent messages are left out, so a retry rebuilds the same chunks and keys.
      for (let start = 0; start < messages.length; start += BATCH_CHUNK_SIZE) {
        const chunk = messages.slice(start, start + BATCH_CHUNK_SIZE);
        for (const [key, result] of await sendChunk(db, chunk, postBatch)) results.set(key, result);
      }
      return messages.map((message) => results.get(message.idempotencyKey)!);
    },
  };
}
