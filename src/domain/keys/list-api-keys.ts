import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { apiKeys } from '../../db/schema';

export interface ApiKeyView {
  id: string;
  name: string;
  createdAt: Date;
}

/** A user's API keys, oldest first, without any secret (only hashes are stored anyway). */
export async function listApiKeys(db: Database, userId: string): Promise<ApiKeyView[]> {
  return db
    .select({ id: apiKeys.id, name: apiKeys.name, createdAt: apiKeys.createdAt })
    .from(apiKeys)
    .where(eq(apiKeys.userId, userId))
    .orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
}
