import { z } from 'zod';
import { commitWithEvents } from '@/app/_lib/commit-with-events';
import { emailField } from '@/app/_lib/fields';
import { enforceLimits, requestAddress } from '@/app/_lib/rate-limit';
import { readJson } from '@/app/_lib/read-json';
import { withRuntime } from '@/app/_lib/with-runtime';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const body = z.object({ email: emailField });

/**
 * POST /api/auth/forgot-password: always 202 with the same answer, whether or not the account exists (no user
 * enumeration). Both cases do the same work here, the same limits and one enqueued job, so they take the same
 * time; the job looks the address up and mints and emails a token only for a real account. One request per
 * address every 5 minutes (429 otherwise, for any address alike). The job is never lost to a queue that is down:
 * the local provider enqueues it in PostgreSQL, BullMQ and Inngest get it through the outbox.
 */
export const POST = withRuntime(async ({ request, runtime }) => {
  const { email } = await readJson(request, body);
  const address = email.trim().toLowerCase();
  await enforceLimits(runtime, [
    ['forgot-password-per-ip', requestAddress(request, runtime)],
    ['forgot-password-per-email', address],
  ]);
  // Through the outbox on BullMQ and Inngest: a request made while the queue is down is sent once it is back.
  await commitWithEvents(runtime, async () => null, () => ({ name: 'user/password-reset.requested', data: { email: address } }));
  return Response.json({ message: 'If an account exists for this address, a reset link is on its way.' }, { status: 202 });
});
