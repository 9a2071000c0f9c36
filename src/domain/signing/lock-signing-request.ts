// Shared prelude of signing and rejecting: find the recipient a link belongs to and lock what the decision
// depends on, then refuse anything that is no longer signable with a message the signer can act on.
import { and, eq, ne } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { documents, recipients } from '../../db/schema';
import type { DocumentRow, RecipientRow } from '../documents/document-view';
import { GoneError, NotFoundError } from '../errors';
import { hashToken } from '../tokens';

export interface LockedSigningRequest {
  document: DocumentRow;
  recipient: RecipientRow;
}

/**
 * Locks the document row first, so signatures on one document are serialized: whoever signs last sees every other
 * signature committed and is the one who dispatches document/all.signed (two last signers racing would otherwise
 * each see the other as pending, and neither would). The recipient row is locked too, because the expiry sweep
 * updates recipients without the document lock (it skips locked rows instead).
 */
export async function lockSigningRequest(tx: Database, input: { token: string; now: Date }): Promise<LockedSigningRequest> {
  const [found] = await tx
    .select({ id: recipients.id, documentId: recipients.documentId })
    .from(recipients)
    .where(eq(recipients.signingTokenHash, hashToken(input.token)))
    .limit(1);
  if (!found) throw new NotFoundError('Unknown signing link');
  const [document] = await tx.select().from(documents).where(eq(documents.id, found.documentId)).for('update');
  const [recipient] = await tx.select().from(recipients).where(eq(recipients.id, found.id)).for('update');
  if (!document || !recipient) throw new NotFoundError('Unknown signing link');
  assertSignable(document, recipient, input.now);
  const [rejectedByOther] = await tx
    .select({ id: recipients.id })
    .from(recipients)
    .where(and(eq(recipients.documentId, document.id), eq(recipients.status, 'REJECTED'), ne(recipients.id, recipient.id)))
    .limit(1);
  if (rejectedByOther) throw new GoneError('Another recipient declined this document, so it can no longer be signed');
  return { document, recipient };
}

/** Throws GoneError (410) with the reason a link no longer works. Also used read-only by the signing page. */
export function assertSignable(document: DocumentRow, recipient: RecipientRow, now: Date): void {
  if (document.deletedAt) throw new GoneError('This document was withdrawn by its sender');
  if (recipient.status === 'SIGNED') throw new GoneError('This link has already been used: you signed this document');
  if (recipient.status === 'REJECTED') throw new GoneError('This link has already been used: you declined this document');
  if (recipient.status === 'EXPIRED' || (recipient.expiresAt && recipient.expiresAt.getTime() <= now.getTime())) {
    throw new GoneError('This signing link has expired; ask the sender for a new one');
  }
  if (document.status !== 'PENDING') throw new GoneError(`This document is ${document.status.toLowerCase()} and can no longer be signed`);
}
