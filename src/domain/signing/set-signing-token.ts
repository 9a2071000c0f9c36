import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { recipients } from '../../db/schema';
import { writeAuditLog } from '../audit/write-audit-log';
import { hashToken } from '../tokens';

/**
 * Stores the hash of a freshly minted signing token on a still-pending recipient (a new token replaces an old
 * one: only the latest emailed link works). Returns false when the recipient is no longer pending.
 */
export async function setSigningToken(db: Database, input: { recipientId: string; token: string; now: Date }): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(recipients)
      .set({ signingTokenHash: hashToken(input.token), sentAt: input.now })
      .where(and(eq(recipients.id, input.recipientId), eq(recipients.status, 'PENDING')))
      .returning({ documentId: recipients.documentId, email: recipients.email });
    if (row) await writeAuditLog(tx, { type: 'INVITATION_SENT', documentId: row.documentId, data: { recipientId: input.recipientId, email: row.email } });
    return Boolean(row);
  });
}
