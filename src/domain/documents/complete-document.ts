import { and, eq, isNull, ne, notExists } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { documents, recipients } from '../../db/schema';
import { writeAuditLog } from '../audit/write-audit-log';

/**
 * PENDING → COMPLETED once every recipient has signed. Returns whether this call made the change (a retry or a
 * withdrawn document changes nothing); the audit row is written with the change, in one transaction.
 */
export async function completeDocument(db: Database, input: { documentId: string; now: Date }): Promise<{ completed: boolean }> {
  return db.transaction(async (tx) => {
    const flipped = await tx
      .update(documents)
      .set({ status: 'COMPLETED', completedAt: input.now, updatedAt: input.now })
      .where(
        and(
          eq(documents.id, input.documentId),
          eq(documents.status, 'PENDING'),
          isNull(documents.deletedAt),
          notExists(
            tx
              .select({ id: recipients.id })
              .from(recipients)
              .where(and(eq(recipients.documentId, documents.id), ne(recipients.status, 'SIGNED'))),
          ),
        ),
      )
      .returning({ id: documents.id });
    if (flipped.length) await writeAuditLog(tx, { type: 'DOCUMENT_COMPLETED', documentId: input.documentId });
    return { completed: flipped.length > 0 };
  });
}

