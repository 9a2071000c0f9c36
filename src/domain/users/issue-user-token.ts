import type { Database } from '../../db/client';
import { userTokens } from '../../db/schema';
import { hashToken, newToken } from '../tokens';

export type UserTokenKind = (typeof userTokens.$inferSelect)['kind'];

export const USER_TOKEN_TTL_MS: Record<UserTokenKind, number> = {
  VERIFY_EMAIL: 24 * 60 * 60 * 1000,
  // OWASP forgot-password guidance: short-lived and single use.
  RESET_PASSWORD: 60 * 60 * 1000,
};

/** Mints a single-use token and stores its hash; the clear token is returned to be emailed, never stored. */
export async function issueUserToken(db: Database, input: { userId: string; kind: UserTokenKind; now: Date }): Promise<string> {
  const token = newToken(input.kind === 'VERIFY_EMAIL' ? 'vrf' : 'rst');
  await db.insert(userTokens).values({
    userId: input.userId,
    kind: input.kind,
    tokenHash: hashToken(token),
    expiresAt: new Date(input.now.getTime() + USER_TOKEN_TTL_MS[input.kind]),
  });
  return token;
}
