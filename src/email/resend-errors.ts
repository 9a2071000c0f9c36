// Turns a Resend error answer into the job system's vocabulary: retry (soon, or after Retry-After) or give up.
import type { ErrorResponse } from 'resend';
import { NonRetriableError, RetryAfterError } from '../jobs/errors';
import { parseRetryAfter } from '../webhooks/retry-after';

/**
 * Retryable: rate limits, a concurrent request holding the same idempotency key, Resend's 5xx and requests that
 * never got an answer (statusCode null). Anything else 4xx (validation, invalid_idempotent_request, bad key)
 * fails the same way on every retry.
 */
function isRetryable({ statusCode, name }: ErrorResponse): boolean {
  if (name === 'rate_limit_exceeded' || name === 'concurrent_idempotent_requests') return true;
  return statusCode === null || statusCode === 429 || statusCode >= 500;
}

export function toSendError(error: ErrorResponse, headers: Record<string, string> | null, now: Date): Error {
  const message = `Resend ${error.statusCode ?? 'unreachable'} ${error.name}: ${error.message}`;
  if (!isRetryable(error)) return new NonRetriableError(message, { cause: error });
  const retryAfterMs = parseRetryAfter(headers?.['retry-after'], now);
  return retryAfterMs === undefined ? new Error(message, { cause: error }) : new RetryAfterError(message, retryAfterMs, { cause: error, now });
}
