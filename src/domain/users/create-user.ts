import type { Database } from '../../db/client';
import { users } from '../../db/schema';
import { ConflictError } from '../errors';
import { issueApiKey } from '../keys/issue-api-key';

export type User = typeof users.$inferSelect;

export interface NewUser {
  email: string;
  name?: string | null;
  role?: User['role'];
  passwordHash?: string | null;
  /** Set when someone vouches for the address (an operator's `npm run user:create`); sign-up verifies by email. */
  emailVerifiedAt?: Date | null;
  /** The name of the first API key (default `sign-up`). */
  keyName?: string;
}

/**
 * Creates a user with a first API key and returns the key: the only time it exists in clear (only its hash is
 * stored). A taken email is a ConflictError; ON CONFLICT decides it atomically, so two racing sign-ups cannot both win.
 */
export async function createUser(db: Database, input: NewUser): Promise<{ user: User; apiKey: string }> {
  return db.transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({
        email: input.email.trim().toLowerCase(),
        name: input.name ?? null,
        role: input.role ?? 'USER',
        passwordHash: input.passwordHash ?? null,
        emailVerifiedAt: input.emailVerifiedAt ?? null,
      })
      .onConflictDoNothing({ target: users.email })
      .returning();
    if (!user) throw new ConflictError('An account with this email already exists');
    const { apiKey } = await issueApiKey(tx, { userId: user.id, name: input.keyName ?? 'sign-up' });
    return { user, apiKey };
  });
}
