import { commitWithEvents } from '@/app/_lib/commit-with-events';
import { enforceLimits, requestAddress } from '@/app/_lib/rate-limit';
import { withApiKey } from '@/app/_lib/with-api-key';
import { getDocument } from '@/domain/documents/get-document';
import { checkSendable, sendDocument } from '@/domain/documents/send-document';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * POST /api/documents/:id/send: DRAFT → PENDING and the invitations queued (202); sent already → 409; an
 * unverified account → 403. Limited per client address, per account and in recipients per account and day.
 */
export const POST = withApiKey<{ id: string }>(async ({ request, runtime, user, params }) => {
  const { recipients } = await checkSendable(runtime.database.db, { id: params.id, owner: user });
  await enforceLimits(runtime, [
    ['send-per-ip', requestAddress(request, runtime)],
    ['send-per-user', user.id],
    ['recipients-per-user', user.id, recipients],
  ]);
  await commitWithEvents(
    runtime,
    (db) => sendDocument(db, { id: params.id, owner: user, now: new Date() }),
    ({ documentId }) => ({ name: 'document/sent', data: { documentId }, id: `document-sent:${documentId}` }),
  );
  return Response.json(await getDocument(runtime.database.db, { id: params.id, ownerId: user.id }), { status: 202 });
});
