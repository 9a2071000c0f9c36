import { z } from 'zod';
import { commitWithEvents } from '@/app/_lib/commit-with-events';
import { emailField, passwordField } from '@/app/_lib/fields';
import { enforceLimits, requestAddress } from '@/app/_lib/rate-limit';
import { readJson } from '@/app/_lib/read-json';
import { withRuntime } from '@/app/_lib/with-runtime';
import { signUp } from '@/domain/users/sign-up';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const body = z.object({ email: emailField, password: passwordField, name: z.string().trim().min(1).max(200).optional() });

/** POST /api/auth/signup: creates the account, answers its API key once (201), and emails a verification link. */
export const POST = withRuntime(async ({ request, runtime }) => {
  const input = await readJson(request, body);
  await enforceLimits(runtime, [
    ['signup-per-ip', requestAddress(request, runtime)],
    ['signup-per-email', input.email.trim().toLowerCase()],
  ]);
  const { user, apiKey } = await commitWithEvents(
    runtime,
    (db) => signUp(db, input),
    ({ user }) => ({ name: 'user/signed.up', data: { userId: user.id }, id: `user-signed-up:${user.id}` }),
  );
  return Response.json({ id: user.id, email: user.email, apiKey }, { status: 201 });
});
