import { commitWithEvents } from '@/app/_lib/commit-with-events';
import { withApiKey } from '@/app/_lib/with-api-key';
import { getDocument } from '@/domain/documents/get-document';
import { sendDocument } from '@/domain/documents/send-document';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** POST /api/documents/:id/send: DRAFT → PENDING and the invitations queued (202); sent already → 409. */
export const POST = withApiKey<{ id: string }>(async ({ runtime, user, params }) => {
  await commitWithEvents(
    runtime,
    (db) => sendDocument(db, { id: params.id, ownerId: user.id, now: new Date() }),
    ({ documentId }) => ({ name: 'document/sent', data: { documentId }, id: `document-sent:${documentId}` }),
  );
  return Response.json(await getDocument(runtime.database.db, { id: params.id, ownerId: user.id }), { status: 202 });
});
