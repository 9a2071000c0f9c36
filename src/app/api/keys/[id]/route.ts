import { withApiKey } from '@/app/_lib/with-api-key';
import { revokeApiKey } from '@/domain/keys/revoke-api-key';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** DELETE /api/keys/:id: revokes one of the caller's keys at once (204), the presenting one included; else 404. */
export const DELETE = withApiKey<{ id: string }>(async ({ runtime, user, params }) => {
  await revokeApiKey(runtime.database.db, { id: params.id, userId: user.id });
  return new Response(null, { status: 204 });
});
