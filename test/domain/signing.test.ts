// Signing rules against a real PostgreSQL: the last two signers racing complete the document exactly once, and
// every link that no longer works says why (410) instead of acting.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documents } from '../../src/db/schema';
import { createDocument } from '../../src/domain/documents/create-document';
import { deleteDocument } from '../../src/domain/documents/delete-document';
import { sendDocument } from '../../src/domain/documents/send-document';
import { GoneError, NotFoundError } from '../../src/domain/errors';
import { getSigningRequest } from '../../src/domain/signing/get-signing-request';
import { rejectDocument } from '../../src/domain/signing/reject-document';
import { setSigningToken } from '../../src/domain/signing/set-signing-token';
import { signDocument } from '../../src/domain/signing/sign-document';
import { newToken } from '../../src/domain/tokens';
import { createUser } from '../../src/domain/users/create-user';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { DAY } from '../helpers/test-clock';

let database: TestDatabase;
let ownerId: string;
const now = new Date();

beforeAll(async () => {
  database = await createTestDatabase('postgres');
  ownerId = (await createUser(database.handle.db, { email: 'owner@example.com', name: 'Owner' })).user.id;
});
afterAll(() => database.drop());

/** A sent document whose recipients hold the returned tokens (what send-signing-email does, minus the email). */
async function sentDocument(recipientCount: number, expiresAt: Date | null = null) {
  const db = database.handle.db;
  const document = await createDocument(db, {
    ownerId,
    title: 'Contract',
    recipients: Array.from({ length: recipientCount }, (_, n) => ({ email: `r${n}@example.com` })),
    expiresAt,
  });
  await sendDocument(db, { id: document.id, owner: { id: ownerId, emailVerifiedAt: now }, now });
  const tokens: string[] = [];
  for (const recipient of document.recipients) {
    const token = newToken('sgn');
    await setSigningToken(db, { recipientId: recipient.id, token, now });
    tokens.push(token);
  }
  return { documentId: document.id, tokens };
}

const signAt = (token: string, at = now) => signDocument(database.handle.db, { token, now: at });

describe('signing', () => {
  it('completes a document exactly once when its last two signers sign at the same moment', async () => {
    for (let round = 0; round < 5; round += 1) {
      const { tokens } = await sentDocument(3);
      await signAt(tokens[0]!);
      const outcomes = await Promise.all([signAt(tokens[1]!), signAt(tokens[2]!)]);
      expect(outcomes.map((outcome) => outcome.allSigned).sort()).toEqual([false, true]);
    }
  });

  it('answers 410 for a used, expired, declined-by-another or withdrawn link, and 404 for an unknown one', async () => {
    const used = await sentDocument(2);
    await signAt(used.tokens[0]!);
    await expect(signAt(used.tokens[0]!)).rejects.toThrow(new GoneError('This link has already been used: you signed this document'));

    const expiring = await sentDocument(1, new Date(now.getTime() + DAY));
    await expect(signAt(expiring.tokens[0]!, new Date(now.getTime() + 2 * DAY))).rejects.toThrow(
      new GoneError('This signing link has expired; ask the sender for a new one'),
    );
    await expect(getSigningRequest(database.handle.db, { token: expiring.tokens[0]!, now: new Date(now.getTime() + 2 * DAY) })).rejects.toThrow(GoneError);
    expect(await getSigningRequest(database.handle.db, { token: expiring.tokens[0]!, now })).toMatchObject({ documentTitle: 'Contract', senderName: 'Owner' });

    const declined = await sentDocument(2);
    await rejectDocument(database.handle.db, { token: declined.tokens[0]!, reason: 'no', now });
    await expect(signAt(declined.tokens[1]!)).rejects.toThrow(new GoneError('Another recipient declined this document, so it can no longer be signed'));
    await expect(rejectDocument(database.handle.db, { token: declined.tokens[0]!, now })).rejects.toThrow(
      new GoneError('This link has already been used: you declined this document'),
    );

    const withdrawn = await sentDocument(1);
    await deleteDocument(database.handle.db, { id: withdrawn.documentId, ownerId, now });
    await expect(signAt(withdrawn.tokens[0]!)).rejects.toThrow(new GoneError('This document was withdrawn by its sender'));

    await expect(signAt(newToken('sgn'))).rejects.toThrow(NotFoundError);
  });

  it('keeps only the latest token of a recipient: an earlier link stops working', async () => {
    const { documentId, tokens } = await sentDocument(1);
    const [recipient] = (await database.handle.sql.query<{ id: string }>('select id from recipients where document_id = $1', [documentId]));
    const replacement = newToken('sgn');
    await setSigningToken(database.handle.db, { recipientId: recipient!.id, token: replacement, now });
    await expect(signAt(tokens[0]!)).rejects.toThrow(NotFoundError);
    expect(await signAt(replacement)).toMatchObject({ allSigned: true });
    const [row] = await database.handle.db.select().from(documents).where(eq(documents.id, documentId));
    expect(row!.status).toBe('PENDING'); // COMPLETED is the document-completed job's to set
  });
});
