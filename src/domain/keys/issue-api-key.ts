import type { Database } from '../../db/client';
import { apiKeys } from '../../db/schema';
import { hashToken, newToken } from '../tokens';

export interface IssuedApiKey {
  id: string;
  name: string;
  createdAt: Date;
  /** The key itself: returned here once, only its SHA-256 is stored. */
  apiKey: string;
}

/** Mints a named API key for a user. */
export async function issueApiKey(db: Database, input: { userId: string; name: string }): Promise<IssuedApiKey> {
  const apiKey = newToken('sk');
  const [row] = await db.insert(apiKeys).values({ userId: input.userId, name: input.name, keyHash: hashToken(apiKey) }).returning();
  return { id: row!.id, name: row!.name, createdAt: row!.createdAt, apiKey };
}
