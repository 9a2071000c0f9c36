/**
 * Parses an HTTP `Retry-After` value (delay in seconds, or an HTTP-date) into milliseconds from `now`.
 * Undefined when absent or unparseable, so callers fall back to their own backoff instead of guessing.
 */
export function parseRetryAfter(value: string | string[] | null | undefined, now: Date): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return undefined;
  if (/^\d+$/.test(raw)) return Number(raw) * 1000;
  const date = Date.parse(raw);
  if (Number.isNaN(date)) return undefined;
  // A date in the past means "now", not a negative delay.
  return Math.max(0, date - now.getTime());
}
