import { and, count, eq, lte } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { documents, recipients } from '../../db/schema';
import { writeAuditLog } from '../audit/write-audit-log';
import { ConflictError, ForbiddenError } from '../errors';
import type { User } from '../users/create-user';
import { findOwnedDocument } from './find-owned-document';

type Owner = Pick<User, 'id' | 'emailVerifiedAt'>;

/**
 * Whether the owner may send the document now, and to how many recipients (what the daily recipient limit counts):
 * the checks sendDocument repeats under its row lock, made first so a refused send costs no limit points.
 */
export async function checkSendable(db: Database, input: { id: string; owner: Owner }): Promise<{ recipients: number }> {
  assertVerified(input.owner);
  const document = await findOwnedDocument(db, { id: input.id, ownerId: input.owner.id });
  assertDraft(document.status);
  const [row] = await db.select({ recipients: count() }).from(recipients).where(eq(recipients.documentId, document.id));
  return { recipients: row?.recipients ?? 0 };
}

/**
 * DRAFT → PENDING. The invitations themselves go out from the send-signing-email job, which the caller dispatches
 * in the same transaction. The row lock makes two concurrent sends one send and one 409. Only a verified address
 * may send: otherwise anyone could sign up with a throwaway address and mail strangers through us.
 */
export async function sendDocument(db: Database, input: { id: string; owner: Owner; now: Date }): Promise<{ documentId: string }> {
  assertVerified(input.owner);
  return db.transaction(async (tx) => {
    const document = await findOwnedDocument(tx, { id: input.id, ownerId: input.owner.id, forUpdate: true });
    assertDraft(document.status);
    const [expired] = await tx
      .select({ id: recipients.id })
      .from(recipients)
      .where(and(eq(recipients.documentId, document.id), lte(recipients.expiresAt, input.now)))
      .limit(1);
    if (expired) throw new ConflictError('The signing deadline has already passed; create the document again with a later expiresAt');
    await tx.update(documents).set({ status: 'PENDING', sentAt: input.now, updatedAt: input.now }).where(eq(documents.id, document.id));
    await writeAuditLog(tx, { type: 'DOCUMENT_SENT', documentId: document.id, userId: input.owner.id });
    return { documentId: document.id };
  });
}

function assertVerified(owner: Owner): void {
  if (!owner.emailVerifiedAt) throw new ForbiddenError('Confirm your email address (the link in the verification email) before sending documents');
}

function assertDraft(status: string): void {
  if (status !== 'DRAFT') throw new ConflictError(`Document was already sent (status ${status})`);
}
