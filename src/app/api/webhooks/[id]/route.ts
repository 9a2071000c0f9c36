import { withApiKey } from '@/app/_lib/with-api-key';
import { deleteWebhook } from '@/domain/webhooks/delete-webhook';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** DELETE /api/webhooks/:id: removes the endpoint and its delivery log (204). */
export const DELETE = withApiKey<{ id: string }>(async ({ runtime, user, params }) => {
  await deleteWebhook(runtime.database.db, { id: params.id, ownerId: user.id });
  return new Response(null, { status: 204 });
});
