import { z } from 'zod';
import { emailField, keyNameField } from '@/app/_lib/fields';
import { enforceLimits } from '@/app/_lib/rate-limit';
import { signInLimits } from '@/app/_lib/sign-in-limits';
import { readJson } from '@/app/_lib/read-json';
import { withRuntime } from '@/app/_lib/with-runtime';
import { signIn } from '@/domain/users/sign-in';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// No length rule on the password here: a sign-in checks what was set, whatever rule applied then.
const body = z.object({ email: emailField, password: z.string().min(1).max(256), keyName: keyNameField.default('sign-in') });

/**
 * POST /api/auth/signin: email and password in, a new named API key out (201, the key shown once). Unknown address
 * and wrong password are the same 401 after the same scrypt work. Limited per client address, and per account signed
 * in to, at that address and overall (password guessing; sign-in-limits.ts).
 */
export const POST = withRuntime(async ({ request, runtime }) => {
  const input = await readJson(request, body);
  await enforceLimits(runtime, signInLimits(request, runtime, input.email));
  const key = await signIn(runtime.database.db, input);
  return Response.json(key, { status: 201 });
});
