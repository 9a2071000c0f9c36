// Schedule: every minute on Vercel Pro (`* * * * *`); the shipped vercel.json runs it daily so Hobby deploys.
// Enqueues due cron slots, reclaims lapsed leases and runs due jobs (retries, delayed jobs, missed self-dispatches).
import { withCronSecret } from '@/app/_lib/with-cron-secret';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const maxDuration = 60;

/** Leaves headroom under maxDuration for the response and the last batch's completion writes. */
const TICK_BUDGET_MS = 45_000;

const handler = withCronSecret(async ({ runtime }) => {
  const runner = runtime.provider.onDemand;
  if (!runner) return Response.json({ provider: runtime.provider.name, note: 'this provider schedules its own cron' });
  return Response.json(await runner.tick(TICK_BUDGET_MS));
});

export const GET = handler;
export const POST = handler;
