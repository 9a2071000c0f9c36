import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { documents } from '../../db/schema';
import { NotFoundError } from '../errors';
import { isUuid } from '../is-uuid';
import type { DocumentRow } from './document-view';

/**
 * The caller's live document, optionally locked FOR UPDATE. Someone else's, a deleted one, an unknown id and a
 * malformed id are all the same 404: the API never confirms that a document it won't show exists.
 */
export async function findOwnedDocument(db: Database, input: { id: string; ownerId: string; forUpdate?: boolean }): Promise<DocumentRow> {
  if (!isUuid(input.id)) throw new NotFoundError('Document not found');
  const query = db
    .select()
    .from(documents)
    .where(and(eq(documents.id, input.id), eq(documents.ownerId, input.ownerId), isNull(documents.deletedAt)))
    .limit(1);
  const [document] = input.forUpdate ? await query.for('update') : await query;
  if (!document) throw new NotFoundError('Document not found');
  return document;
}
