import { sql } from 'drizzle-orm';
import { executeRows, type Database } from '../../db/client';

export interface ExpiredRecipient {
  id: string;
  documentId: string;
  email: string;
  name: string | null;
  /** ISO 8601, UTC. */
  expiresAt: string;
  documentTitle: string;
  ownerId: string;
  ownerEmail: string;
  ownerName: string | null;
  /** Only a live, pending document's owner is told; a withdrawn, rejected or completed one is not news. */
  notifyOwner: boolean;
}

/**
 * Marks up to `limit` pending recipients past their deadline EXPIRED, writes their audit rows, and returns them
 * with what the notifications need: one statement, however many recipients. `expiration_notified` is set here
 * too, claiming them for the job that called this (its memo then carries them through retries); a second sweep
 * running at the same time skips the locked rows instead of waiting on them and notifying twice.
 */
export async function expireRecipients(db: Database, input: { now: Date; limit: number }): Promise<ExpiredRecipient[]> {
  return executeRows<ExpiredRecipient>(
    db,
    sql`with due as (
          -- Matches recipients_expiry_sweep_idx's predicate, so this reads the partial index in expires_at order.
          select id from recipients
           where status = 'PENDING' and expiration_notified = false and expires_at is not null and expires_at <= ${input.now}
           order by expires_at
           limit ${input.limit}
             for update skip locked
        ),
        expired as (
          update recipients r set status = 'EXPIRED', expiration_notified = true
            from due where r.id = due.id
          returning r.id, r.document_id, r.email, r.name, r.expires_at
        ),
        audited as (
          insert into audit_logs (document_id, type, data)
          select document_id, 'RECIPIENT_EXPIRED', jsonb_build_object('recipientId', id, 'email', email) from expired
        )
        select e.id, e.document_id as "documentId", e.email, e.name, to_char(e.expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "expiresAt",
               d.title as "documentTitle", d.owner_id as "ownerId", u.email as "ownerEmail", u.name as "ownerName",
               (d.status = 'PENDING' and d.deleted_at is null) as "notifyOwner"
          from expired e
          join documents d on d.id = e.document_id
          join users u on u.id = d.owner_id
         order by e.expires_at, e.id`,
  );
}
