import { and, eq, lte } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { documents, recipients } from '../../db/schema';
import { writeAuditLog } from '../audit/write-audit-log';
import { ConflictError } from '../errors';
import { findOwnedDocument } from './find-owned-document';

/**
 * DRAFT → PENDING. The invitations themselves go out from the send-signing-email job, which the caller dispatches
 * in the same transaction. The row lock makes two concurrent sends one send and one 409.
 */
export async function sendDocument(db: Database, input: { id: string; ownerId: string; now: Date }): Promise<{ documentId: string }> {
  return db.transaction(async (tx) => {
    const document = await findOwnedDocument(tx, { ...input, forUpdate: true });
    if (document.status !== 'DRAFT') throw new ConflictError(`Document was already sent (status ${document.status})`);
    const [expired] = await tx
      .select({ id: recipients.id })
      .from(recipients)
      .where(and(eq(recipients.documentId, document.id), lte(recipients.expiresAt, input.now)))
      .limit(1);
    if (expired) throw new ConflictError('The signing deadline has already passed; create the document again with a later expiresAt');
    await tx.update(documents).set({ status: 'PENDING', sentAt: input.now, updatedAt: input.now }).where(eq(documents.id, document.id));
    await writeAuditLog(tx, { type: 'DOCUMENT_SENT', documentId: document.id, userId: input.ownerId });
    return { documentId: document.id };
  });
}
