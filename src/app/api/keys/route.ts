import { z } from 'zod';
import { keyNameField } from '@/app/_lib/fields';
import { readJson } from '@/app/_lib/read-json';
import { withApiKey } from '@/app/_lib/with-api-key';
import { issueApiKey } from '@/domain/keys/issue-api-key';
import { listApiKeys } from '@/domain/keys/list-api-keys';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const body = z.object({ name: keyNameField });

/** GET /api/keys: the caller's API keys (id, name, createdAt), never the keys themselves. */
export const GET = withApiKey(async ({ runtime, user }) => Response.json({ keys: await listApiKeys(runtime.database.db, user.id) }));

/** POST /api/keys: a new named key for the caller (201); the key is in this answer only. */
export const POST = withApiKey(async ({ request, runtime, user }) => {
  const { name } = await readJson(request, body);
  return Response.json(await issueApiKey(runtime.database.db, { userId: user.id, name }), { status: 201 });
});
