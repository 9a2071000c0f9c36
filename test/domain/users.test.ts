// Account rules: scrypt password hashes, API keys stored as hashes, and single-use tokens with their lifetimes.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, users } from '../../src/db/schema';
import { GoneError, UnauthorizedError } from '../../src/domain/errors';
import { findAdmin, revokeAdminSessions } from '../../src/domain/admin/authenticate-admin';
import { authenticateApiKey } from '../../src/domain/users/authenticate-api-key';
import { issueUserToken } from '../../src/domain/users/issue-user-token';
import { hashPassword, verifyPassword } from '../../src/domain/users/password';
import { resetPassword } from '../../src/domain/users/reset-password';
import { signUp } from '../../src/domain/users/sign-up';
import { verifyEmail } from '../../src/domain/users/verify-email';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { DAY, HOUR } from '../helpers/test-clock';

let database: TestDatabase;
const now = new Date('2026-06-01T12:00:00Z');

beforeAll(async () => {
  database = await createTestDatabase('postgres');
});
afterAll(() => database.drop());

describe('users', () => {
  it('hashes passwords with scrypt and a salt of their own', async () => {
    const [a, b] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password', a)).toBe(true);
    expect(await verifyPassword('Same password', a)).toBe(false);
    expect(await verifyPassword('same password', 'md5$whatever')).toBe(false);
  });

  it('stores only the hash of the API key and authenticates by it', async () => {
    const { user, apiKey } = await signUp(database.handle.db, { email: 'key@example.com', password: 'long enough password' });
    const [row] = await database.handle.db.select().from(apiKeys).where(eq(apiKeys.userId, user.id));
    expect(row!.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(apiKey);
    expect((await authenticateApiKey(database.handle.db, apiKey)).id).toBe(user.id);
    await expect(authenticateApiKey(database.handle.db, apiKey.slice(0, -1))).rejects.toThrow(UnauthorizedError);
  });

  it('lets a reset link work for one hour, once, and retires the user’s other reset links with it', async () => {
    const { user } = await signUp(database.handle.db, { email: 'reset@example.com', password: 'the old password' });
    const db = database.handle.db;
    const stale = await issueUserToken(db, { userId: user.id, kind: 'RESET_PASSWORD', now });
    await expect(resetPassword(db, { token: stale, password: 'a new password!', now: new Date(now.getTime() + HOUR + 1000) })).rejects.toThrow(
      new GoneError('This link has expired; request a new one'),
    );
    const first = await issueUserToken(db, { userId: user.id, kind: 'RESET_PASSWORD', now });
    const second = await issueUserToken(db, { userId: user.id, kind: 'RESET_PASSWORD', now });
    await resetPassword(db, { token: first, password: 'a new password!', now: new Date(now.getTime() + 59 * 60 * 1000) });
    await expect(resetPassword(db, { token: second, password: 'another one!!', now })).rejects.toThrow(new GoneError('This link has already been used'));
    const [row] = await db.select().from(users).where(eq(users.id, user.id));
    expect(await verifyPassword('a new password!', row!.passwordHash!)).toBe(true);
  });

  it('ends the dashboard sessions of a reset as it commits (a sign-in during the hash included), never moving the mark back', async () => {
    const db = database.handle.db;
    const { user } = await signUp(db, { email: 'reset-sessions@example.com', password: 'the old password' });
    await revokeAdminSessions(db, user.id);
    const [signedOut] = await db.select().from(users).where(eq(users.id, user.id));
    const token = await issueUserToken(db, { userId: user.id, kind: 'RESET_PASSWORD', now });
    const startedAt = Date.now();
    // The request's clock (`now`) is months behind this one: the mark must come from when the reset commits.
    await resetPassword(db, { token, password: 'a new password!', now: new Date(now.getTime() + 60_000) });
    const [reset] = await db.select().from(users).where(eq(users.id, user.id));
    expect(reset!.adminSessionsRevokedAt!.getTime()).toBeGreaterThan(startedAt);
    expect(reset!.adminSessionsRevokedAt!.getTime()).toBeGreaterThanOrEqual(signedOut!.adminSessionsRevokedAt!.getTime());
    // A session issued while the reset ran (after it began, before it committed) is over.
    await expect(findAdmin(db, { userId: user.id, issuedAt: new Date(startedAt + 1) })).rejects.toThrow(UnauthorizedError);
  });

  it('lets a verification link work for a day', async () => {
    const { user } = await signUp(database.handle.db, { email: 'verify@example.com', password: 'long enough password' });
    const token = await issueUserToken(database.handle.db, { userId: user.id, kind: 'VERIFY_EMAIL', now });
    await expect(verifyEmail(database.handle.db, { token, now: new Date(now.getTime() + DAY + 1) })).rejects.toThrow(GoneError);
    const fresh = await issueUserToken(database.handle.db, { userId: user.id, kind: 'VERIFY_EMAIL', now });
    expect(await verifyEmail(database.handle.db, { token: fresh, now })).toEqual({ userId: user.id });
  });
});
