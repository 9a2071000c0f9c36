// Tells people about a job-health transition: an email to every admin and, when ALERT_WEBHOOK_URL is set, a
// Standard Webhooks POST through the same signing and SSRF guard as the users' webhooks. Both are keyed by the
// transition's number, so a retried step resends the very same email and webhook-id instead of a second alert.
import type { Database } from '../db/client';
import { listAdmins } from '../domain/users/list-admins';
import { jobAlertEmail } from '../email/templates';
import type { EmailTransport } from '../email/transport';
import { emailKey, sendEmailOnce } from '../jobs/definitions/send-email-once';
import { links } from '../jobs/definitions/links';
import { deliverWebhook, type DeliveryResult } from '../webhooks/deliver';
import type { JobHealthReport } from './job-health';
import type { AlertTransition } from './job-alert-state';

export interface JobAlertNotifyDeps {
  db: Database;
  email: EmailTransport;
  publicWebappUrl: string;
  webhook?: { url: string; secret: string };
  webhookPolicy: { allowPrivate: boolean; allowedHosts?: readonly string[]; timeoutMs?: number };
}

export type NotifiedTransition = AlertTransition & { kind: 'entered' | 'recovered' };

/** The event types of the alert webhook. */
export const ALERT_WEBHOOK_EVENTS = { entered: 'jobs.health.breached', recovered: 'jobs.health.recovered' } as const;

/** Emails every admin; answers how many were sent (or had been, by an earlier attempt). */
export async function emailAdminsAboutAlert(deps: JobAlertNotifyDeps, transition: NotifiedTransition, report: JobHealthReport): Promise<{ emailed: number }> {
  const admins = await listAdmins(deps.db);
  const email = jobAlertEmail({
    kind: transition.kind,
    breaches: report.breaches,
    checkedAt: new Date(report.checkedAt),
    healthUrl: links.jobHealth(deps.publicWebappUrl),
  });
  for (const admin of admins) {
    await sendEmailOnce(deps, emailKey('job-alerts', String(transition.seq), admin.id), () => ({ to: admin.email, ...email }));
  }
  return { emailed: admins.length };
}

export async function postAlertWebhook(
  deps: JobAlertNotifyDeps & { webhook: { url: string; secret: string } },
  transition: NotifiedTransition,
  report: JobHealthReport,
): Promise<DeliveryResult> {
  return deliverWebhook(
    {
      url: deps.webhook.url,
      secret: deps.webhook.secret,
      // The same id on every attempt of one transition: receivers drop repeats.
      messageId: `msg_job-alert-${transition.seq}`,
      event: ALERT_WEBHOOK_EVENTS[transition.kind],
      payload: { breaches: report.breaches, previous: transition.previous, report },
      occurredAt: new Date(report.checkedAt),
    },
    deps.webhookPolicy,
  );
}
