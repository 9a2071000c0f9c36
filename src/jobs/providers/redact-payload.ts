// Job payloads shown to operators (dashboard, CLI) may carry credentials an event was given: values under
// secret-looking keys are replaced, at any depth, before a payload leaves the inspector.

/** Words that mark a key as secret wherever they appear in it (resetToken, client_secret, X-Auth-Header…). */
const SECRET_WORDS = new Set([
  'password', 'passwd', 'passphrase', 'pwd', 'token', 'secret', 'authorization', 'auth', 'cookie', 'credential',
  'credentials', 'signature', 'apikey', 'jwt', 'otp',
]);

export const REDACTED = '[redacted]';

/** camelCase, snake_case, kebab-case and spaced keys, as lower-case words: "apiKey" -> ["api", "key"]. */
function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Secret words anywhere, or a key that ends in "key" (key, apiKey, signing_key; not keyName or monkey). */
export function isSecretKey(key: string): boolean {
  const parts = words(key);
  return parts.some((part) => SECRET_WORDS.has(part)) || parts.at(-1) === 'key';
}

/** A copy of `value` with every value under a secret-looking key replaced by "[redacted]". */
export function redactPayload(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactPayload);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, inner]) => [key, isSecretKey(key) ? REDACTED : redactPayload(inner)]),
  );
}
