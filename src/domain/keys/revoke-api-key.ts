import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { apiKeys } from '../../db/schema';
import { isUuid } from '../is-uuid';
import { NotFoundError } from '../errors';

/** Deletes one of the user's keys: it stops working at once. Someone else's key, or an unknown id, is 404. */
export async function revokeApiKey(db: Database, input: { id: string; userId: string }): Promise<void> {
  if (!isUuid(input.id)) throw new NotFoundError('API key not found');
  const deleted = await db
    .delete(apiKeys)
    .where(and(eq(apiKeys.id, input.id), eq(apiKeys.userId, input.userId)))
    .returning({ id: apiKeys.id });
  if (deleted.length === 0) throw new NotFoundError('API key not found');
}

/** Deletes every key of a user (a password reset: whoever knew the old password may hold a key). */
export async function revokeAllApiKeys(db: Database, userId: string): Promise<number> {
  const deleted = await db.delete(apiKeys).where(eq(apiKeys.userId, userId)).returning({ id: apiKeys.id });
  return deleted.length;
}
