import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { documents, recipients, users } from '../../db/schema';
import { NotFoundError } from '../errors';
import type { DocumentRow, RecipientRow } from './document-view';

export interface DocumentParties {
  document: DocumentRow;
  owner: { id: string; email: string; name: string | null };
  recipients: RecipientRow[];
}

/** A document with its owner and recipients, for the jobs that write to them (deleted documents included). */
export async function getDocumentParties(db: Database, documentId: string): Promise<DocumentParties> {
  const [row] = await db
    .select({ document: documents, owner: { id: users.id, email: users.email, name: users.name } })
    .from(documents)
    .innerJoin(users, eq(users.id, documents.ownerId))
    .where(eq(documents.id, documentId))
    .limit(1);
  if (!row) throw new NotFoundError(`Document ${documentId} not found`);
  const rows = await db.select().from(recipients).where(eq(recipients.documentId, documentId)).orderBy(asc(recipients.createdAt), asc(recipients.email));
  return { ...row, recipients: rows };
}
