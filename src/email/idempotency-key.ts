import { createHash } from 'node:crypto';
import { NonRetriableError } from '../jobs/errors';

/** Resend keeps idempotency keys of up to 256 characters; a longer one would be refused on every retry. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 256;

export function assertIdempotencyKeys(keys: readonly string[]): void {
  const seen = new Set<string>();
  for (const key of keys) {
    if (!key || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw new NonRetriableError(`Email idempotency key must be 1-${MAX_IDEMPOTENCY_KEY_LENGTH} characters, got ${key.length}`);
    }
    if (seen.has(key)) throw new NonRetriableError(`Email idempotency key ${key} appears twice in one batch`);
    seen.add(key);
  }
}

/**
 * The key of one batch request, derived from the keys of the messages in it: a retry of the same messages
 * repeats it (Resend answers from its cache), while a different set gets a different key (Resend refuses a
 * reused key with another body as invalid_idempotent_request).
 */
export function batchIdempotencyKey(keys: readonly string[]): string {
  return `batch/${createHash('sha256').update(JSON.stringify(keys)).digest('hex')}`;
}
