import { z } from 'zod';
import { readJson } from '@/app/_lib/read-json';
import { withApiKey } from '@/app/_lib/with-api-key';
import { listWebhooks } from '@/domain/webhooks/list-webhooks';
import { registerWebhook } from '@/domain/webhooks/register-webhook';
import { WEBHOOK_EVENTS } from '@/domain/webhooks/webhook-events';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const body = z.object({ url: z.string().max(2048), events: z.array(z.enum(WEBHOOK_EVENTS)).min(1) });

/** POST /api/webhooks: registers an endpoint (201); the answer carries its signing secret, shown only here. */
export const POST = withApiKey(async ({ request, runtime, user }) => {
  const input = await readJson(request, body);
  const { allowPrivateAddresses: allowPrivate, allowedHosts } = runtime.config.webhooks;
  return Response.json(await registerWebhook(runtime.database.db, { ownerId: user.id, ...input, policy: { allowPrivate, allowedHosts } }), { status: 201 });
});

/** GET /api/webhooks: the caller's endpoints, without secrets. */
export const GET = withApiKey(async ({ runtime, user }) => Response.json({ webhooks: await listWebhooks(runtime.database.db, user.id) }));
