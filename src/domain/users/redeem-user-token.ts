import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { userTokens } from '../../db/schema';
import { GoneError, NotFoundError } from '../errors';
import { hashToken } from '../tokens';
import type { UserTokenKind } from './issue-user-token';

/**
 * Marks a token used and returns its user. The conditional UPDATE is the single-use guarantee: of two concurrent
 * redemptions only one matches `used_at is null`. A token that exists but is used or expired is 410, unknown 404.
 */
export async function redeemUserToken(db: Database, input: { token: string; kind: UserTokenKind; now: Date }): Promise<{ userId: string }> {
  const tokenHash = hashToken(input.token);
  const [redeemed] = await db
    .update(userTokens)
    .set({ usedAt: input.now })
    .where(and(eq(userTokens.tokenHash, tokenHash), eq(userTokens.kind, input.kind), isNull(userTokens.usedAt), gt(userTokens.expiresAt, input.now)))
    .returning({ userId: userTokens.userId });
  if (redeemed) return redeemed;
  const [known] = await db
    .select({ usedAt: userTokens.usedAt })
    .from(userTokens)
    .where(and(eq(userTokens.tokenHash, tokenHash), eq(userTokens.kind, input.kind)))
    .limit(1);
  if (!known) throw new NotFoundError('Unknown or invalid link');
  throw new GoneError(known.usedAt ? 'This link has already been used' : 'This link has expired; request a new one');
}
