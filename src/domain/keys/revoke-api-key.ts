import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { apiKeys } from '../../db/schema';
import { revokeAdminSessions } from '../admin/authenticate-admin';
import { isUuid } from '../is-uuid';
import { NotFoundError } from '../errors';

/**
 * Deletes one of the user's keys: it stops working at once, and so does every dashboard session of the user signed in
 * before now (a session does not say which key opened it, and one opened with a leaked key must not outlive it).
 * Someone else's key, or an unknown id, is 404.
 */
export async function revokeApiKey(db: Database, input: { id: string; userId: string }): Promise<void> {
  if (!isUuid(input.id)) throw new NotFoundError('API key not found');
  await db.transaction(async (tx) => {
    const deleted = await tx
      .delete(apiKeys)
      .where(and(eq(apiKeys.id, input.id), eq(apiKeys.userId, input.userId)))
      .returning({ id: apiKeys.id });
    if (deleted.length === 0) throw new NotFoundError('API key not found');
    await revokeAdminSessions(tx, input.userId);
  });
}

/** Deletes every key of a user (a password reset, which ends the user's dashboard sessions itself). */
export async function revokeAllApiKeys(db: Database, userId: string): Promise<number> {
  const deleted = await db.delete(apiKeys).where(eq(apiKeys.userId, userId)).returning({ id: apiKeys.id });
  return deleted.length;
}
