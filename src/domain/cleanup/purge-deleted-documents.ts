import { sql } from 'drizzle-orm';
import { executeRows, type Database } from '../../db/client';

/**
 * Hard-deletes documents soft-deleted before `before`, with their recipients, in batches of documents. Recipients
 * are deleted explicitly in the same statement (the FK would cascade anyway) so the counts are exact.
 */
export async function purgeDeletedDocuments(db: Database, input: { before: Date; batchSize?: number }): Promise<{ documents: number; recipients: number }> {
  const batchSize = input.batchSize ?? 1000;
  const total = { documents: 0, recipients: 0 };
  for (;;) {
    const [row] = await executeRows<{ documents: number; recipients: number }>(
      db,
      // documents_deleted_at_idx (partial, deleted rows only) finds the batch; SKIP LOCKED leaves a row that
      // someone is touching right now for the next run instead of waiting on it.
      sql`with doomed as (
            select id from documents where deleted_at < ${input.before} order by deleted_at limit ${batchSize} for update skip locked
          ),
          gone_recipients as (delete from recipients where document_id in (select id from doomed) returning 1),
          gone_documents as (delete from documents where id in (select id from doomed) returning 1)
          select (select count(*) from gone_documents)::int as documents, (select count(*) from gone_recipients)::int as recipients`,
    );
    total.documents += row?.documents ?? 0;
    total.recipients += row?.recipients ?? 0;
    if ((row?.documents ?? 0) < batchSize) return total;
  }
}
