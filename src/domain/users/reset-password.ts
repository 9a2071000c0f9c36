import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { users, userTokens } from '../../db/schema';
import { hashPassword } from './password';
import { redeemUserToken } from './redeem-user-token';

/** Sets a new password with a reset token; every other outstanding reset link of the user stops working too. */
export async function resetPassword(db: Database, input: { token: string; password: string; now: Date }): Promise<{ userId: string }> {
  // Hashed before the transaction: scrypt takes ~100 ms, no reason to hold a connection and row locks meanwhile.
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const { userId } = await redeemUserToken(tx, { token: input.token, kind: 'RESET_PASSWORD', now: input.now });
    await tx.update(users).set({ passwordHash, updatedAt: input.now }).where(eq(users.id, userId));
    await tx
      .update(userTokens)
      .set({ usedAt: input.now })
      .where(and(eq(userTokens.userId, userId), eq(userTokens.kind, 'RESET_PASSWORD'), isNull(userTokens.usedAt)));
    return { userId };
  });
}
