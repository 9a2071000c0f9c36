// Who may use the operators' dashboard: a user with role ADMIN, proven by an API key or by email and password.
// Sign-in checks the credentials; every later request re-reads the user, so a demoted or deleted admin's session
// stops working at once even though the cookie itself is still validly signed.
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { users } from '../../db/schema';
import { ForbiddenError, UnauthorizedError } from '../errors';
import { authenticateApiKey } from '../users/authenticate-api-key';
import { checkPassword } from '../users/check-password';
import type { User } from '../users/create-user';

export type AdminCredentials = { apiKey: string } | { email: string; password: string };

/** The admin these credentials prove: 401 when they prove no one, 403 when they prove a user who is not an admin. */
export async function authenticateAdmin(db: Database, credentials: AdminCredentials): Promise<User> {
  const user = 'apiKey' in credentials ? await authenticateApiKey(db, credentials.apiKey) : await checkPassword(db, credentials);
  if (user.role !== 'ADMIN') throw new ForbiddenError('Only admins can use the jobs dashboard');
  return user;
}

/** The admin a session names, if that user still exists, is still an admin, and has not signed out since it was issued. */
export async function findAdmin(db: Database, session: { userId: string; issuedAt: Date }): Promise<User> {
  const [user] = await db.select().from(users).where(eq(users.id, session.userId)).limit(1);
  const revokedAt = user?.adminSessionsRevokedAt;
  if (!user || (revokedAt && session.issuedAt.getTime() < revokedAt.getTime())) {
    throw new UnauthorizedError('Your session has ended: sign in again');
  }
  if (user.role !== 'ADMIN') throw new ForbiddenError('Only admins can use the jobs dashboard');
  return user;
}

/**
 * Every dashboard session of this admin issued before now stops working, on every device (sign-out, a revoked key,
 * a password reset). "Now" is read at this statement, as late as the caller can make it (a reset calls it after the
 * password hash, so a sign-in during the hash is ended too), and the mark never moves back: a later call with an
 * earlier time must not bring back sessions another one ended.
 */
export async function revokeAdminSessions(db: Database, userId: string): Promise<void> {
  const now = new Date();
  await db
    .update(users)
    .set({ adminSessionsRevokedAt: sql`greatest(coalesce(${users.adminSessionsRevokedAt}, ${now}), ${now})` })
    .where(eq(users.id, userId));
}
