// The operators' dashboard session: a cookie holding `v1.<user id>.<expiry, unix seconds>.<HMAC-SHA256>`, signed
// with ADMIN_SESSION_SECRET. Stateless: the signature proves we issued it, the expiry bounds it, and every request
// re-reads the user (findAdmin), so a demoted admin is out at once. Signing out clears the cookie.
import { createHmac } from 'node:crypto';
import { UnavailableError } from '@/domain/errors';
import { isUuid } from '@/domain/is-uuid';
import type { Config } from '@/env';
import { secretsMatch } from './secrets';

export const ADMIN_SESSION_COOKIE = 'signing_admin_session';
/** A working day: long enough not to interrupt an incident, short enough that a copied cookie soon dies. */
export const ADMIN_SESSION_SECONDS = 8 * 60 * 60;

/** The signing key, or a 503 naming the variable to set (production without ADMIN_SESSION_SECRET). */
export function sessionSecret(config: Config): string {
  if (!config.adminSessionSecret) {
    throw new UnavailableError('The jobs dashboard is not configured: set ADMIN_SESSION_SECRET (at least 32 characters) to sign admins in');
  }
  return config.adminSessionSecret;
}

const mac = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64url');

/** A signed session value for `userId`, valid until `now` + ADMIN_SESSION_SECONDS. */
export function signAdminSession(config: Config, userId: string, now = new Date()): string {
  const body = `v1.${userId}.${Math.floor(now.getTime() / 1000) + ADMIN_SESSION_SECONDS}`;
  return `${body}.${mac(sessionSecret(config), body)}`;
}

/** The user id a session value names, or undefined when it is malformed, forged or expired. */
export function verifyAdminSession(config: Config, value: string | undefined, now = new Date()): string | undefined {
  const parts = (value ?? '').split('.');
  if (parts.length !== 4) return undefined;
  const [version, userId, expires, signature] = parts as [string, string, string, string];
  // The signature is checked (in constant time) before anything it covers is believed.
  if (!secretsMatch(signature, mac(sessionSecret(config), `${version}.${userId}.${expires}`))) return undefined;
  if (version !== 'v1' || !isUuid(userId) || !/^\d+$/.test(expires)) return undefined;
  return Number(expires) * 1000 > now.getTime() ? userId : undefined;
}

/** Set-Cookie for a new session: HttpOnly, SameSite=Strict (no cross-site request carries it), Secure in production. */
export function sessionCookie(config: Config, value: string): string {
  return cookie(config, value, ADMIN_SESSION_SECONDS);
}

/** Set-Cookie that removes the session. */
export function clearedSessionCookie(config: Config): string {
  return cookie(config, '', 0);
}

function cookie(config: Config, value: string, maxAge: number): string {
  return [`${ADMIN_SESSION_COOKIE}=${value}`, 'Path=/', `Max-Age=${maxAge}`, 'HttpOnly', 'SameSite=Strict', ...(config.isProduction ? ['Secure'] : [])].join('; ');
}

/** The session value in a Cookie header, if any. */
export function sessionFromCookieHeader(header: string | null): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === ADMIN_SESSION_COOKIE) return rest.join('=');
  }
  return undefined;
}
