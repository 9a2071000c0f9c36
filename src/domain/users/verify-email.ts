import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { users } from '../../db/schema';
import { redeemUserToken } from './redeem-user-token';

export async function verifyEmail(db: Database, input: { token: string; now: Date }): Promise<{ userId: string }> {
  return db.transaction(async (tx) => {
    const { userId } = await redeemUserToken(tx, { token: input.token, kind: 'VERIFY_EMAIL', now: input.now });
    await tx.update(users).set({ emailVerifiedAt: input.now, updatedAt: input.now }).where(eq(users.id, userId));
    return { userId };
  });
}
