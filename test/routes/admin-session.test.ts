// The dashboard's session value on its own: what it accepts (our signature, not expired, a user id) and what it
// refuses, with the clock injected. The built app's handling of the cookie is in test/e2e/admin-dashboard.test.ts.
import { describe, expect, it } from 'vitest';
import { ADMIN_SESSION_SECONDS, clearedSessionCookie, sessionCookie, sessionFromCookieHeader, signAdminSession, verifyAdminSession } from '../../src/app/_lib/admin-session';
import { parseEnv } from '../../src/env';

const USER = '8b0d5a4e-5f0e-4b7c-9f52-0c6a1a1d2e3f';
const production = parseEnv({ NODE_ENV: 'production', ADMIN_SESSION_SECRET: 'a-production-secret-of-at-least-32-chars' });
const now = new Date('2026-12-02T12:00:00Z');
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

describe('the admin session value', () => {
  it('names its user until it expires, and no longer', () => {
    const value = signAdminSession(production, USER, now);
    expect(verifyAdminSession(production, value, now)).toEqual({ userId: USER, issuedAt: now });
    expect(verifyAdminSession(production, value, later(ADMIN_SESSION_SECONDS - 1))).toEqual({ userId: USER, issuedAt: now });
    expect(verifyAdminSession(production, value, later(ADMIN_SESSION_SECONDS))).toBeUndefined();
    // Issued more than a minute in our future: not a session we gave out (a forged clock, or one far off).
    expect(verifyAdminSession(production, signAdminSession(production, USER, later(61)), now)).toBeUndefined();
    expect(verifyAdminSession(production, signAdminSession(production, USER, later(59)), now)?.userId).toBe(USER);
  });

  it('refuses another secret’s signature, any edit of what it signs, and malformed values', () => {
    const value = signAdminSession(production, USER, now);
    const other = parseEnv({ NODE_ENV: 'production', ADMIN_SESSION_SECRET: 'another-secret-of-at-least-32-characters' });
    expect(verifyAdminSession(other, value, now)).toBeUndefined();
    const [version, user, issued, signature] = value.split('.');
    for (const edited of [`v1.${user}.${issued}.${signature}`, `${version}.${USER.replace('8b', '9b')}.${issued}.${signature}`, `${version}.${user}.${Number(issued) + 1}.${signature}`]) {
      expect(verifyAdminSession(production, edited, now), edited).toBeUndefined();
    }
    for (const malformed of [undefined, '', 'v2', `${value}.extra`, 'v2.not-a-uuid.1.sig']) expect(verifyAdminSession(production, malformed, now)).toBeUndefined();
  });

  it('in production without ADMIN_SESSION_SECRET signs nothing and says which variable to set; elsewhere a development key stands in', () => {
    const unset = parseEnv({ NODE_ENV: 'production' });
    expect(() => signAdminSession(unset, USER)).toThrow(/ADMIN_SESSION_SECRET/);
    expect(() => verifyAdminSession(unset, 'v2.a.b.c')).toThrow(/ADMIN_SESSION_SECRET/);
    const development = parseEnv({});
    expect(verifyAdminSession(development, signAdminSession(development, USER, now), now)?.userId).toBe(USER);
    expect(() => parseEnv({ ADMIN_SESSION_SECRET: 'too short' })).toThrow(/ADMIN_SESSION_SECRET: expected at least 32 characters/);
  });

  it('is an HttpOnly, SameSite=Strict cookie for the whole site, Secure in production, read back from a Cookie header', () => {
    expect(sessionCookie(production, 'v')).toBe(`signing_admin_session=v; Path=/; Max-Age=${ADMIN_SESSION_SECONDS}; HttpOnly; SameSite=Strict; Secure`);
    expect(sessionCookie(parseEnv({}), 'v')).toBe(`signing_admin_session=v; Path=/; Max-Age=${ADMIN_SESSION_SECONDS}; HttpOnly; SameSite=Strict`);
    expect(clearedSessionCookie(production)).toBe('signing_admin_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure');
    expect(sessionFromCookieHeader('a=1; signing_admin_session=v2.x.y.z; b=2')).toBe('v2.x.y.z');
    expect(sessionFromCookieHeader(null)).toBeUndefined();
  });
});
