import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { userTokens } from '../../db/schema';
import { GoneError, NotFoundError } from '../errors';
import { hashToken } from '../tokens';
import type { UserTokenKind } from './issue-user-token';

interface TokenInput {
  token: string;
  kind: UserTokenKind;
  now: Date;
}

/**
 * Marks a token used and returns its user. The conditional UPDATE is the single-use guarantee: of two concurrent
 * redemptions only one matches `used_at is null`. A token that exists but is used or expired is 410, unknown 404.
 */
export async function redeemUserToken(db: Database, input: TokenInput): Promise<{ userId: string }> {
  const [redeemed] = await db
    .update(userTokens)
    .set({ usedAt: input.now })
    .where(
      and(eq(userTokens.tokenHash, hashToken(input.token)), eq(userTokens.kind, input.kind), isNull(userTokens.usedAt), gt(userTokens.expiresAt, input.now)),
    )
    .returning({ userId: userTokens.userId });
  if (redeemed) return redeemed;
  await assertRedeemable(db, input);
  // Redeemable a moment ago but not by this UPDATE: a concurrent redemption won.
  throw new GoneError('This link has already been used');
}

/** Throws what redeeming would (404 unknown, 410 used or expired) without changing anything: a cheap pre-check. */
export async function assertRedeemable(db: Database, input: TokenInput): Promise<void> {
  const [known] = await db
    .select({ usedAt: userTokens.usedAt, expiresAt: userTokens.expiresAt })
    .from(userTokens)
    .where(and(eq(userTokens.tokenHash, hashToken(input.token)), eq(userTokens.kind, input.kind)))
    .limit(1);
  if (!known) throw new NotFoundError('Unknown or invalid link');
  if (known.usedAt) throw new GoneError('This link has already been used');
  if (known.expiresAt.getTime() <= input.now.getTime()) throw new GoneError('This link has expired; request a new one');
}
