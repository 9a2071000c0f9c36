/**
 * Thrown inside a job to retry no sooner than a given time (a 429 with Retry-After, a rate limit).
 * `retryAfter` is milliseconds from now or an absolute Date. The attempt still counts toward the limit.
 */
export class RetryAfterError extends Error {
  override readonly name = 'RetryAfterError';
  readonly code = 'RETRY_AFTER' as const;
  readonly retryAt: Date;

  constructor(message: string, retryAfter: number | Date, options?: { cause?: unknown; now?: Date }) {
    super(message, options);
    const now = options?.now ?? new Date();
    this.retryAt = retryAfter instanceof Date ? retryAfter : new Date(now.getTime() + retryAfter);
  }
}
