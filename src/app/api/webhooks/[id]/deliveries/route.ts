import { withApiKey } from '@/app/_lib/with-api-key';
import { listWebhookDeliveries } from '@/domain/webhooks/list-webhook-deliveries';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** GET /api/webhooks/:id/deliveries: the newest 100 delivery attempts, each with status, duration and error. */
export const GET = withApiKey<{ id: string }>(async ({ runtime, user, params }) => {
  return Response.json({ deliveries: await listWebhookDeliveries(runtime.database.db, { id: params.id, ownerId: user.id }) });
});
