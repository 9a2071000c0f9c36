// Schedule: daily at 03:30 UTC (vercel.json). Runs the audit-log (with the email log) and deleted-document cleanups
// now and answers their counts. One cleanup at a time across all instances: a call while one runs gets 409 and deletes nothing.
import { withCronSecret } from '@/app/_lib/with-cron-secret';
import { createExclusive } from '@/db/exclusive';
import { runCleanup } from '@/domain/cleanup/run-cleanup';
import { ConflictError } from '@/domain/errors';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const maxDuration = 300;

const handler = withCronSecret(async ({ runtime }) => {
  const { database, config } = runtime;
  const counts = await runCleanup(database.db, {
    logs: true,
    documents: true,
    now: new Date(),
    exclusive: createExclusive(database),
    source: 'cron-cleanup',
    emailRetention: config.email.retention,
  });
  if (!counts) throw new ConflictError('A cleanup is already running');
  return Response.json(counts);
});

export const GET = handler;
export const POST = handler;
