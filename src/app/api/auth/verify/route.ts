import { z } from 'zod';
import { tokenField } from '@/app/_lib/fields';
import { enforceLimits, requestAddress } from '@/app/_lib/rate-limit';
import { readJson } from '@/app/_lib/read-json';
import { withRuntime } from '@/app/_lib/with-runtime';
import { verifyEmail } from '@/domain/users/verify-email';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const body = z.object({ token: tokenField });

/** POST /api/auth/verify: confirms an email address with the token from its link; 410 once used or expired. */
export const POST = withRuntime(async ({ request, runtime }) => {
  const { token } = await readJson(request, body);
  await enforceLimits(runtime, [['verify-per-ip', requestAddress(request, runtime)]]);
  await verifyEmail(runtime.database.db, { token, now: new Date() });
  return Response.json({ verified: true });
});
