// The outcome line a dashboard page shows after a redirect (`?notice=` or `?error=`), signed: unsigned, any link
// could make the real dashboard say anything ("Session expired. Re-enter your key at https://evil.example"), an
// official-looking phishing message on our own page. The signature is an HMAC of the kind and the text under
// ADMIN_SESSION_SECRET (without it the dashboard signs no one in and shows no message).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from '@/env';

export type FlashKind = 'notice' | 'error';

type SearchParams = Record<string, string | string[] | undefined>;

function signature(secret: string, kind: FlashKind, message: string): string {
  return createHmac('sha256', secret).update(`flash\n${kind}\n${message}`).digest('base64url').slice(0, 32);
}

/** `path` with the message and its signature in the query (after any query `path` has). */
export function withFlash(config: Pick<Config, 'adminSessionSecret'>, path: string, kind: FlashKind, message: string): string {
  const secret = config.adminSessionSecret;
  if (!secret) return path;
  const separator = path.includes('?') ? '&' : '?';
  return `${path}${separator}${kind}=${encodeURIComponent(message)}&sig=${signature(secret, kind, message)}`;
}

/** The page's `kind` message if its signature holds; anything else (unsigned, altered, another kind's) is not shown. */
export function flashFrom(config: Pick<Config, 'adminSessionSecret'>, params: SearchParams, kind: FlashKind): string | undefined {
  const secret = config.adminSessionSecret;
  const first = (name: string) => {
    const value = params[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const message = first(kind);
  const given = first('sig');
  if (!secret || !message || !given) return undefined;
  const expected = Buffer.from(signature(secret, kind, message));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected) ? message : undefined;
}
