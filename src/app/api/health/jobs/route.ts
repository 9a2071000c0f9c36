// For uptime checkers and operators: the jobs' health judged against JOBS_ALERT_*. 200 when no threshold is
// breached, 503 when any is (`breaches` names each with its value and limit), 501 when the provider keeps no job
// state here. Admins (API key) or `Bearer $CRON_SECRET`; 401 without credentials, 403 for a non-admin key.
import { withOperator } from '@/app/_lib/with-operator';
import { cronSchedules, readJobHealth } from '@/observability/read-job-health';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const NO_STORE = { 'cache-control': 'no-store' };

export const GET = withOperator(async ({ runtime }) => {
  const sources = { provider: runtime.provider, schedules: cronSchedules(runtime.registry.cronDefinitions) };
  const reading = await readJobHealth(sources, runtime.config.jobAlerts.thresholds, new Date());
  if (!reading.available) {
    const { reason: error, provider, dashboardUrl } = reading;
    return Response.json({ error, provider, ...(dashboardUrl && { dashboardUrl }) }, { status: 501, headers: NO_STORE });
  }
  return Response.json(reading.report, { status: reading.report.status === 'ok' ? 200 : 503, headers: NO_STORE });
});
