// Schedule: none of its own; the job-health-alerts cron job runs the same check every 5 minutes. This runs it now
// (an operator, an external scheduler, tests): on a transition the admins are emailed and ALERT_WEBHOOK_URL posted,
// once per transition whoever checks. 200 {"checked","transition","report",…}; 401 wrong secret.
import { withCronSecret } from '@/app/_lib/with-cron-secret';
import { createJobDeps } from '@/jobs/definitions';
import { jobAlertDeps } from '@/jobs/definitions/job-health-alerts';
import { checkJobAlerts } from '@/observability/check-job-alerts';
import { cronSchedules } from '@/observability/read-job-health';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const handler = withCronSecret(async ({ runtime }) => {
  const sources = { provider: runtime.provider, schedules: cronSchedules(runtime.registry.cronDefinitions) };
  const deps = createJobDeps(runtime.config, runtime.database, { jobHealthSources: () => sources });
  return Response.json(await checkJobAlerts(jobAlertDeps(deps)));
});

export const GET = handler;
export const POST = handler;
