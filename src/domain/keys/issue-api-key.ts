import { and, asc, count, eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { apiKeys, users } from '../../db/schema';
import { ConflictError } from '../errors';
import { hashToken, newToken } from '../tokens';

export interface IssuedApiKey {
  id: string;
  name: string;
  createdAt: Date;
  /** The key itself: returned here once, only its SHA-256 is stored. */
  apiKey: string;
}

/**
 * Keys one user may hold. Every sign-in mints one, so without a cap a script signing in in a loop (or an attacker
 * holding a password) grows the table, and the list a user reviews, without end.
 */
export const MAX_API_KEYS_PER_USER = 100;

/**
 * What a full set of keys does to a new one: `refuse` (POST /api/keys: 409, the user chooses what to revoke), or
 * `replace-oldest-of-name` (sign-in: the user's oldest key of the same name goes, so signing in always works, and
 * a key someone named themselves is never the one replaced; 409 if no key has that name).
 */
export type WhenKeysFull = 'refuse' | 'replace-oldest-of-name';

/** Mints a named API key for a user, within MAX_API_KEYS_PER_USER. */
export async function issueApiKey(db: Database, input: { userId: string; name: string; whenFull?: WhenKeysFull }): Promise<IssuedApiKey> {
  const apiKey = newToken('sk');
  return db.transaction(async (tx) => {
    // The user's row locked: two keys issued at once cannot both take the last place.
    await tx.select({ id: users.id }).from(users).where(eq(users.id, input.userId)).for('update');
    const [held] = await tx.select({ n: count() }).from(apiKeys).where(eq(apiKeys.userId, input.userId));
    if ((held?.n ?? 0) >= MAX_API_KEYS_PER_USER) await makeRoom(tx, input);
    const [row] = await tx.insert(apiKeys).values({ userId: input.userId, name: input.name, keyHash: hashToken(apiKey) }).returning();
    return { id: row!.id, name: row!.name, createdAt: row!.createdAt, apiKey };
  });
}

async function makeRoom(tx: Database, input: { userId: string; name: string; whenFull?: WhenKeysFull }): Promise<void> {
  const full = new ConflictError(
    `You hold ${MAX_API_KEYS_PER_USER} API keys, the most one user may; revoke one you no longer use (GET /api/keys lists them, DELETE /api/keys/<id> revokes one)`,
  );
  if (input.whenFull !== 'replace-oldest-of-name') throw full;
  const [oldest] = await tx
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.userId, input.userId), eq(apiKeys.name, input.name)))
    .orderBy(asc(apiKeys.createdAt), asc(apiKeys.id))
    .limit(1);
  if (!oldest) throw full;
  await tx.delete(apiKeys).where(eq(apiKeys.id, oldest.id));
}
