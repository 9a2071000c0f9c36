import { commitWithEvents } from '@/app/_lib/commit-with-events';
import { withApiKey } from '@/app/_lib/with-api-key';
import { deleteDocument } from '@/domain/documents/delete-document';
import { getDocument } from '@/domain/documents/get-document';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** GET /api/documents/:id: the caller's document with each recipient's status; anyone else's is 404. */
export const GET = withApiKey<{ id: string }>(async ({ runtime, user, params }) => {
  return Response.json(await getDocument(runtime.database.db, { id: params.id, ownerId: user.id }));
});

/**
 * DELETE /api/documents/:id: soft delete (204); its signing links stop working at once, and invitations not yet
 * sent are cancelled (document/deleted: send-signing-email's cancelOn).
 */
export const DELETE = withApiKey<{ id: string }>(async ({ runtime, user, params }) => {
  await commitWithEvents(
    runtime,
    (db) => deleteDocument(db, { id: params.id, ownerId: user.id, now: new Date() }),
    () => ({ name: 'document/deleted', data: { documentId: params.id }, id: `document-deleted:${params.id}` }),
  );
  return new Response(null, { status: 204 });
});
