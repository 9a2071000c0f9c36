// The operators' dashboard session: a cookie holding `v2.<user id>.<issued at, unix milliseconds>.<HMAC-SHA256>`,
// signed with ADMIN_SESSION_SECRET; it expires ADMIN_SESSION_SECONDS after it was issued. (v1 carried the expiry in
// seconds, too coarse to tell a session from a sign-out in the same second; v1 values are refused: sign in again.)
// The signature proves we issued it, the issue time bounds it, and every request re-reads the
// user (findAdmin), so a demoted admin is out at once, and so is every session issued before that user last signed
// out (users.admin_sessions_revoked_at): a copied cookie dies with the sign-out, not only at its expiry.
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
  const body = `v2.${userId}.${now.getTime()}`;
  return `${body}.${mac(sessionSecret(config), body)}`;
}

/** Who a valid session value names, and when it was issued. */
export interface AdminSession {
  userId: string;
  issuedAt: Date;
}

/** The session a value holds, or undefined when it is malformed, forged or expired. */
export function verifyAdminSession(config: Config, value: string | undefined, now = new Date()): AdminSession | undefined {
  const parts = (value ?? '').split('.');
  if (parts.length !== 4) return undefined;
  const [version, userId, issued, signature] = parts as [string, string, string, string];
  // The signature is checked (in constant time) before anything it covers is believed.
  if (!secretsMatch(signature, mac(sessionSecret(config), `${version}.${userId}.${issued}`))) return undefined;
  if (version !== 'v2' || !isUuid(userId) || !/^\d{1,15}$/.test(issued)) return undefined;
  const issuedAt = new Date(Number(issued));
  // Not yet issued (a clock far behind ours) or expired: refused either way.
  if (issuedAt.getTime() > now.getTime() + 60_000 || issuedAt.getTime() + ADMIN_SESSION_SECONDS * 1000 <= now.getTime()) return undefined;
  return { userId, issuedAt };
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
