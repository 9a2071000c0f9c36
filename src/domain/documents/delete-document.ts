import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { documents } from '../../db/schema';
import { writeAuditLog } from '../audit/write-audit-log';
import { findOwnedDocument } from './find-owned-document';

/**
 * Soft delete: the document disappears from the API and its signing links stop working at once; the rows stay
 * 30 days (document-cleanup purges them) so a mistaken delete can be undone by hand.
 */
export async function deleteDocument(db: Database, input: { id: string; ownerId: string; now: Date }): Promise<void> {
  await db.transaction(async (tx) => {
    const document = await findOwnedDocument(tx, { ...input, forUpdate: true });
    await tx.update(documents).set({ deletedAt: input.now, updatedAt: input.now }).where(eq(documents.id, document.id));
    await writeAuditLog(tx, { type: 'DOCUMENT_DELETED', documentId: document.id, userId: input.ownerId });
  });
}
