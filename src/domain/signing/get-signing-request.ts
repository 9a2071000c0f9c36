import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { documents, recipients, users } from '../../db/schema';
import { NotFoundError } from '../errors';
import { hashToken } from '../tokens';
import { assertSignable } from './lock-signing-request';

export interface SigningRequest {
  documentTitle: string;
  senderName: string;
  recipientEmail: string;
  recipientName: string | null;
  expiresAt: Date | null;
}

/** What the signing page shows for a link (read-only: opening a link changes nothing, mail scanners open links). */
export async function getSigningRequest(db: Database, input: { token: string; now: Date }): Promise<SigningRequest> {
  const [row] = await db
    .select({ document: documents, recipient: recipients, ownerName: users.name, ownerEmail: users.email })
    .from(recipients)
    .innerJoin(documents, eq(documents.id, recipients.documentId))
    .innerJoin(users, eq(users.id, documents.ownerId))
    .where(eq(recipients.signingTokenHash, hashToken(input.token)))
    .limit(1);
  if (!row) throw new NotFoundError('Unknown signing link');
  assertSignable(row.document, row.recipient, input.now);
  return {
    documentTitle: row.document.title,
    senderName: row.ownerName ?? row.ownerEmail,
    recipientEmail: row.recipient.email,
    recipientName: row.recipient.name,
    expiresAt: row.recipient.expiresAt,
  };
}
