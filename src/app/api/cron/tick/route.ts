// Schedule: every minute on Vercel Pro (`* * * * *`); the shipped vercel.json runs it daily so Hobby deploys.
// Enqueues due cron slots, reclaims lapsed leases and runs due jobs (retries, delayed jobs, missed self-dispatches);
// on every provider, sends the events the outbox still owes (serverless has no relay timer).
import { withCronSecret } from '@/app/_lib/with-cron-secret';
import { relayOwedEvents } from '@/outbox-relay';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const maxDuration = 60;

/** Leaves headroom under maxDuration for the response and the last batch's completion writes. */
const TICK_BUDGET_MS = 45_000;

const handler = withCronSecret(async ({ runtime }) => {
  // Events a change could not hand BullMQ or Inngest when it committed (empty on the local provider).
  const outbox = await relayOwedEvents(runtime);
  const runner = runtime.provider.onDemand;
  if (!runner) return Response.json({ provider: runtime.provider.name, note: 'this provider schedules its own cron', outbox });
  return Response.json({ ...(await runner.tick(TICK_BUDGET_MS)), outbox });
});

export const GET = handler;
export const POST = handler;
