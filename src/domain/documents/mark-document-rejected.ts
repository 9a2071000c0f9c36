import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { documents } from '../../db/schema';
import { writeAuditLog } from '../audit/write-audit-log';

/** PENDING → REJECTED after a recipient declined; returns whether this call made the change (retries don't). */
export async function markDocumentRejected(db: Database, input: { documentId: string; recipientId: string; now: Date }): Promise<{ rejected: boolean }> {
  return db.transaction(async (tx) => {
    const flipped = await tx
      .update(documents)
      .set({ status: 'REJECTED', rejectedAt: input.now, updatedAt: input.now })
      .where(and(eq(documents.id, input.documentId), eq(documents.status, 'PENDING'), isNull(documents.deletedAt)))
      .returning({ id: documents.id });
    if (flipped.length) await writeAuditLog(tx, { type: 'DOCUMENT_REJECTED', documentId: input.documentId, data: { recipientId: input.recipientId } });
    return { rejected: flipped.length > 0 };
  });
}
