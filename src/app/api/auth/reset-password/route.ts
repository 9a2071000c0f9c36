import { z } from 'zod';
import { passwordField, tokenField } from '@/app/_lib/fields';
import { readJson } from '@/app/_lib/read-json';
import { withRuntime } from '@/app/_lib/with-runtime';
import { resetPassword } from '@/domain/users/reset-password';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const body = z.object({ token: tokenField, password: passwordField });

/** POST /api/auth/reset-password: sets a new password with a reset token (1 hour, single use; 410 after). */
export const POST = withRuntime(async ({ request, runtime }) => {
  const input = await readJson(request, body);
  await resetPassword(runtime.database.db, { ...input, now: new Date() });
  return Response.json({ reset: true });
});
