import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { users, userTokens } from '../../db/schema';
import { revokeAdminSessions } from '../admin/authenticate-admin';
import { revokeAllApiKeys } from '../keys/revoke-api-key';
import { hashPassword } from './password';
import { assertRedeemable, redeemUserToken } from './redeem-user-token';

/**
 * Sets a new password with a reset token; every other outstanding reset link of the user stops working too, every
 * API key is revoked and every dashboard session ends (whoever knew the old password may hold a key, or a session
 * signed in with one): the user signs in again.
 */
export async function resetPassword(db: Database, input: { token: string; password: string; now: Date }): Promise<{ userId: string }> {
  // The token is looked up before scrypt (~185 ms, 32 MiB) runs: a guessed token costs one indexed SELECT.
  await assertRedeemable(db, { token: input.token, kind: 'RESET_PASSWORD', now: input.now });
  // Hashed before the transaction: no reason to hold a connection and row locks meanwhile.
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    // The conditional UPDATE still decides: of two concurrent resets with one token only one gets past here.
    const { userId } = await redeemUserToken(tx, { token: input.token, kind: 'RESET_PASSWORD', now: input.now });
    await tx.update(users).set({ passwordHash, updatedAt: input.now }).where(eq(users.id, userId));
    await tx
      .update(userTokens)
      .set({ usedAt: input.now })
      .where(and(eq(userTokens.userId, userId), eq(userTokens.kind, 'RESET_PASSWORD'), isNull(userTokens.usedAt)));
    await revokeAllApiKeys(tx, userId);
    // Last, after the hash: a session signed in while it ran (with the old password or a key) ends too.
    await revokeAdminSessions(tx, userId);
    return { userId };
  });
}

