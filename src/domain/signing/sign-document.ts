import { and, eq, ne } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { recipients } from '../../db/schema';
import { writeAuditLog } from '../audit/write-audit-log';
import { lockSigningRequest } from './lock-signing-request';

export interface SignOutcome {
  documentId: string;
  recipientId: string;
  /** True for the signature that completed the document: the caller dispatches document/all.signed. */
  allSigned: boolean;
}

/** Signs through a link's token. A used or expired link is a GoneError (410), an unknown one NotFoundError. */
export async function signDocument(db: Database, input: { token: string; now: Date }): Promise<SignOutcome> {
  return db.transaction(async (tx) => {
    const { document, recipient } = await lockSigningRequest(tx, input);
    await tx.update(recipients).set({ status: 'SIGNED', signedAt: input.now }).where(eq(recipients.id, recipient.id));
    await writeAuditLog(tx, { type: 'RECIPIENT_SIGNED', documentId: document.id, data: { recipientId: recipient.id, email: recipient.email } });
    const [unsigned] = await tx
      .select({ id: recipients.id })
      .from(recipients)
      .where(and(eq(recipients.documentId, document.id), ne(recipients.status, 'SIGNED')))
      .limit(1);
    return { documentId: document.id, recipientId: recipient.id, allSigned: !unsigned };
  });
}
