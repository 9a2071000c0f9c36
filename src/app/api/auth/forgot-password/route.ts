import { z } from 'zod';
import { emailField } from '@/app/_lib/fields';
import { readJson } from '@/app/_lib/read-json';
import { withRuntime } from '@/app/_lib/with-runtime';
import { findUserByEmail } from '@/domain/users/find-user-by-email';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const body = z.object({ email: emailField });

/**
 * POST /api/auth/forgot-password: always 202 with the same answer, whether or not the account exists (no user
 * enumeration). The token is minted by the job that emails it.
 */
export const POST = withRuntime(async ({ request, runtime }) => {
  const { email } = await readJson(request, body);
  const user = await findUserByEmail(runtime.database.db, email);
  if (user) await runtime.jobs.dispatch({ name: 'user/password-reset.requested', data: { userId: user.id } });
  return Response.json({ message: 'If an account exists for this address, a reset link is on its way.' }, { status: 202 });
});
