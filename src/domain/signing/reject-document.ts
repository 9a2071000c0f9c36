import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { recipients } from '../../db/schema';
import { writeAuditLog } from '../audit/write-audit-log';
import { lockSigningRequest } from './lock-signing-request';

/**
 * Declines through a link's token. One rejection stops the document for everyone: later links answer 410, and the
 * document-rejected job the caller dispatches marks the document REJECTED and tells the owner.
 */
export async function rejectDocument(db: Database, input: { token: string; reason?: string | null; now: Date }): Promise<{ documentId: string; recipientId: string }> {
  return db.transaction(async (tx) => {
    const { document, recipient } = await lockSigningRequest(tx, input);
    const reason = input.reason?.trim() || null;
    await tx.update(recipients).set({ status: 'REJECTED', rejectedAt: input.now, rejectionReason: reason }).where(eq(recipients.id, recipient.id));
    await writeAuditLog(tx, { type: 'RECIPIENT_REJECTED', documentId: document.id, data: { recipientId: recipient.id, email: recipient.email, reason } });
    return { documentId: document.id, recipientId: recipient.id };
  });
}
