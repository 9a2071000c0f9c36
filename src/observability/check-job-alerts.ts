// One alert check: read the job-health report, record which thresholds are breached, and on a transition
// (entering a breach, recovering) email the admins and post the alert webhook, then mark the transition announced.
// The job-health-alerts cron job runs it with its steps (each part memoized, so a retry never alerts twice);
// /api/cron/job-alerts runs it now. A transition left unannounced is taken over by a later check (job-alert-state.ts).
import type { JobHealthReport, JobHealthThresholds } from './job-health';
import { markNotified, recordBreaches, type AlertTransition } from './job-alert-state';
import { emailAdminsAboutAlert, postAlertWebhook, type JobAlertNotifyDeps, type NotifiedTransition } from './notify-job-alert';
import { readJobHealth, type JobHealthSources } from './read-job-health';

export interface JobAlertDeps extends JobAlertNotifyDeps {
  now: () => Date;
  thresholds: JobHealthThresholds;
  /** Provider and schedules; undefined while the runtime is still being built (nothing to judge yet). */
  sources: () => JobHealthSources | undefined;
}

/** Runs a named part once: a job's `step.run`, or the part itself outside a job. */
export type PartRunner = <T>(id: string, part: () => Promise<T>) => Promise<T>;

const runNow: PartRunner = (_id, part) => part();

export type JobAlertCheck =
  | { checked: false; reason: string; dashboardUrl?: string }
  | {
      checked: true;
      transition: AlertTransition;
      report: JobHealthReport;
      emailed?: number;
      /** The alert webhook's outcome, when one was posted. */
      webhook?: { outcome: string; statusCode?: number; error?: string };
    };

/** The webhook's refusal or failure, as a retry of the part should see it. */
export class AlertWebhookError extends Error {
  override readonly name = 'AlertWebhookError';
}

export async function checkJobAlerts(deps: JobAlertDeps, run: PartRunner = runNow): Promise<JobAlertCheck> {
  const checked = await run('check', async () => {
    const sources = deps.sources();
    if (!sources) return { checked: false as const, reason: 'the job runtime is not built yet' };
    const reading = await readJobHealth(sources, deps.thresholds, deps.now());
    if (!reading.available) return { checked: false as const, reason: reading.reason, ...(reading.dashboardUrl && { dashboardUrl: reading.dashboardUrl }) };
    const transition = await recordBreaches(deps.db, reading.report.breaches.map((breach) => breach.name), deps.now());
    return { checked: true as const, transition, report: reading.report };
  });
  if (!checked.checked || checked.transition.kind === 'none') return checked;
  const transition = checked.transition as NotifiedTransition;
  const { emailed } = await run('email-admins', () => emailAdminsAboutAlert(deps, transition, checked.report));
  const webhook = deps.webhook;
  const delivery = webhook
    ? await run('post-webhook', async () => {
        const result = await postAlertWebhook({ ...deps, webhook }, transition, checked.report);
        // A receiver that is down gets the alert on the job's retry (or a later check's); a refused address is a
        // configuration error, and retrying would not change it.
        if (result.outcome === 'retry') throw new AlertWebhookError(`Alert webhook failed: ${result.error}`);
        return { outcome: result.outcome, ...(result.statusCode !== undefined && { statusCode: result.statusCode }), ...(result.error && { error: result.error }) };
      })
    : undefined;
  await run('mark-notified', async () => {
    await markNotified(deps.db, transition.seq);
    return true;
  });
  return { ...checked, emailed, ...(delivery && { webhook: delivery }) };
}
