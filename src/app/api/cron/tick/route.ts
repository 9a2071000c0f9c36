// Schedule: every minute on Vercel Pro (`* * * * *`); the shipped vercel.json runs it daily so Hobby deploys.
// Enqueues due cron slots, reclaims lapsed leases and runs due jobs (retries, delayed jobs, missed self-dispatches).
import { withCronSecret } from '@/app/_lib/with-cron-secret';
import { LocalProvider } from '@/jobs/providers/local/local-provider';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const maxDuration = 60;

const handler = withCronSecret(async ({ runtime }) => {
  if (!(runtime.provider instanceof LocalProvider)) {
    return Response.json({ provider: runtime.provider.name, note: 'this provider schedules its own cron' });
  }
  const result = await runtime.provider.tick(45_000);
  return Response.json(result);
});

export const GET = handler;
export const POST = handler;
