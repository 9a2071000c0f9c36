import { z } from 'zod';
import { passwordField, tokenField } from '@/app/_lib/fields';
import { enforceLimits, requestAddress } from '@/app/_lib/rate-limit';
import { readJson } from '@/app/_lib/read-json';
import { withRuntime } from '@/app/_lib/with-runtime';
import { resetPassword } from '@/domain/users/reset-password';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const body = z.object({ token: tokenField, password: passwordField });

/**
 * POST /api/auth/reset-password: sets a new password with a reset token (1 hour, single use; 410 after) and
 * revokes every API key of the account. Limited per client address: tokens cannot be guessed at speed.
 */
export const POST = withRuntime(async ({ request, runtime }) => {
  const input = await readJson(request, body);
  await enforceLimits(runtime, [['reset-password-per-ip', requestAddress(request, runtime)]]);
  await resetPassword(runtime.database.db, { ...input, now: new Date() });
  return Response.json({ reset: true });
});
