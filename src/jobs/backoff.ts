import type { BackoffOptions } from './define';

/**
 * Delay before the next attempt after `failedAttempts` failures: exponential (base × 2^(n-1)) with "full jitter"
 * between half and the whole of it, so retries of many jobs failing together spread out instead of stampeding.
 * `random` is injected so tests can pin it.
 */
export function backoffDelayMs(failedAttempts: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponential = options.baseMs * 2 ** Math.max(0, failedAttempts - 1);
  const capped = Math.min(options.maxMs, exponential);
  return Math.round(capped / 2 + (random() * capped) / 2);
}
