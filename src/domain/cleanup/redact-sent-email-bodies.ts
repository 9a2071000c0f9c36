import { sql } from 'drizzle-orm';
import { executeRows, type Database } from '../../db/client';

/**
 * Empties the bodies of emails SENT before `before`, in batches, and stamps body_redacted_at: the bodies hold
 * working signing, reset and verification links, and once delivered we have no use for them. What support needs
 * stays (recipient, subject, status, provider id, times). Only SENT rows: a QUEUED or FAILED row is the very email
 * a retried step sends again (sendEmailOnce reuses it), so it keeps its body; a SENT one is never sent again
 * (claimUnsent refuses to touch it), so an emptied body cannot go out.
 */
export async function redactSentEmailBodies(db: Database, input: { before: Date; now: Date; batchSize?: number }): Promise<number> {
  const batchSize = input.batchSize ?? 5000;
  let total = 0;
  for (;;) {
    const [row] = await executeRows<{ redacted: number }>(
      db,
      // email_messages_unredacted_sent_at_idx (partial: SENT rows still holding a body) finds the batch, so the
      // nightly run reads only what it changes; SKIP LOCKED leaves a row being written for the next run.
      sql`with doomed as (
            select id from email_messages
             where status = 'SENT' and body_redacted_at is null and sent_at < ${input.before}
             order by sent_at limit ${batchSize} for update skip locked
          ),
          redacted as (
            update email_messages set html = '', text = '', body_redacted_at = ${input.now}
             where id in (select id from doomed) returning 1
          )
          select count(*)::int as redacted from redacted`,
    );
    const redacted = row?.redacted ?? 0;
    total += redacted;
    if (redacted < batchSize) return total;
  }
}
