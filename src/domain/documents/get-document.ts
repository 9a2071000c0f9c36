import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { recipients } from '../../db/schema';
import { toDocumentView, type DocumentView } from './document-view';
import { findOwnedDocument } from './find-owned-document';

/** The caller's document with every recipient's status; anyone else's is a NotFoundError. */
export async function getDocument(db: Database, input: { id: string; ownerId: string }): Promise<DocumentView> {
  const document = await findOwnedDocument(db, input);
  const rows = await db.select().from(recipients).where(eq(recipients.documentId, document.id)).orderBy(asc(recipients.createdAt), asc(recipients.email));
  return toDocumentView(document, rows);
}
