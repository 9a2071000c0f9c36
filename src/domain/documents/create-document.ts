import type { Database } from '../../db/client';
import { documents, recipients } from '../../db/schema';
import { writeAuditLog } from '../audit/write-audit-log';
import { toDocumentView, type DocumentView } from './document-view';

export interface NewDocument {
  ownerId: string;
  title: string;
  recipients: ReadonlyArray<{ email: string; name?: string | null }>;
  /** When the recipients' signing links stop working; none = they never expire. */
  expiresAt?: Date | null;
}

/** Creates a DRAFT document with its recipients; nothing is sent until sendDocument. */
export async function createDocument(db: Database, input: NewDocument): Promise<DocumentView> {
  return db.transaction(async (tx) => {
    const [document] = await tx.insert(documents).values({ ownerId: input.ownerId, title: input.title }).returning();
    const rows = await tx
      .insert(recipients)
      .values(
        input.recipients.map((recipient, index) => ({
          documentId: document!.id,
          // now() is the same for every row of a transaction; a millisecond apart keeps the order they were given in.
          createdAt: new Date(document!.createdAt.getTime() + index),
          email: recipient.email.trim().toLowerCase(),
          name: recipient.name ?? null,
          expiresAt: input.expiresAt ?? null,
        })),
      )
      .returning();
    await writeAuditLog(tx, { type: 'DOCUMENT_CREATED', documentId: document!.id, userId: input.ownerId, data: { recipients: rows.length } });
    return toDocumentView(document!, rows);
  });
}
