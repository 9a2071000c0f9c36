import type { Database } from '../../db/client';
import { users } from '../../db/schema';
import { ConflictError } from '../errors';
import { hashToken, newToken } from '../tokens';

export type User = typeof users.$inferSelect;

export interface NewUser {
  email: string;
  name?: string | null;
  role?: User['role'];
  passwordHash?: string | null;
}

/**
 * Creates a user with a fresh API key and returns the key: the only time it exists in clear (only its hash is
 * stored). A taken email is a ConflictError; ON CONFLICT decides it atomically, so two racing sign-ups cannot both win.
 */
export async function createUser(db: Database, input: NewUser): Promise<{ user: User; apiKey: string }> {
  const apiKey = newToken('sk');
  const [user] = await db
    .insert(users)
    .values({
      email: input.email.trim().toLowerCase(),
      name: input.name ?? null,
      role: input.role ?? 'USER',
      passwordHash: input.passwordHash ?? null,
      apiKeyHash: hashToken(apiKey),
    })
    .onConflictDoNothing({ target: users.email })
    .returning();
  if (!user) throw new ConflictError('An account with this email already exists');
  return { user, apiKey };
}
