import { eq, getTableColumns } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { apiKeys, users } from '../../db/schema';
import { UnauthorizedError } from '../errors';
import { hashToken } from '../tokens';
import type { User } from './create-user';

/**
 * The user an API key belongs to. The lookup is by SHA-256 digest through a unique index: whatever timing the
 * index comparison leaks is about the digest, which says nothing usable about any real key (no string compare of
 * the key itself ever happens, so there is nothing to make constant-time). A revoked key has no row: 401.
 */
export async function authenticateApiKey(db: Database, apiKey: string): Promise<User> {
  if (!apiKey) throw new UnauthorizedError('Missing API key: send Authorization: Bearer <key>');
  const [user] = await db
    .select(getTableColumns(users))
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(eq(apiKeys.keyHash, hashToken(apiKey)))
    .limit(1);
  if (!user) throw new UnauthorizedError('Invalid API key');
  return user;
}
