// Every 5 minutes: judges the job-health thresholds (JOBS_ALERT_*) and, on entering a breach or recovering from
// one, emails the admins and posts ALERT_WEBHOOK_URL, once per transition (src/observability/check-job-alerts.ts).
// Its steps: `check` (report and recorded transition), `email-admins`, `post-webhook`, `mark-notified`.
import { checkJobAlerts, type PartRunner } from '../../observability/check-job-alerts';
import { defineJob } from '../define';
import type { JobDeps } from './deps';
import { JOB_PRIORITY } from './priorities';

export const JOB_HEALTH_ALERTS_CRON = '*/5 * * * *';

export function jobHealthAlerts(deps: JobDeps) {
  return defineJob(
    {
      id: 'job-health-alerts',
      // Ahead of any backlog: an alert about a full queue must not wait at the back of it.
      priority: JOB_PRIORITY.userWaiting,
      trigger: { cron: JOB_HEALTH_ALERTS_CRON },
      retries: 3,
    },
    async ({ step }) => {
      // The parts' results are plain JSON (strings, numbers, arrays), so the memoized value is the value returned.
      const run: PartRunner = <T>(id: string, part: () => Promise<T>) => step.run(id, part) as Promise<T>;
      return checkJobAlerts(jobAlertDeps(deps), run);
    },
  );
}

/** What an alert check needs, from the jobs' dependencies (also used by /api/cron/job-alerts). */
export function jobAlertDeps(deps: JobDeps) {
  return {
    db: deps.db,
    now: deps.now,
    email: deps.email,
    publicWebappUrl: deps.publicWebappUrl,
    thresholds: deps.jobAlerts.thresholds,
    webhook: deps.jobAlerts.webhook,
    webhookPolicy: { allowPrivate: deps.webhooks.allowPrivate, allowedHosts: deps.webhooks.allowedHosts, timeoutMs: deps.webhooks.timeoutMs },
    sources: deps.jobHealthSources,
  };
}
