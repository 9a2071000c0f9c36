// Delivers one message to one endpoint. Each attempt is its own step (`deliver-<n>`), so an attempt that got an
// answer is recorded once and never repeated, while the next attempt is a new step. Failed attempts retry with
// exponential backoff (a receiver's Retry-After is honoured up to the cap); the webhook-id stays the same
// throughout, so a receiver that did get an unanswered attempt can drop the repeat.
import { getUser } from '../../domain/users/get-user';
import { webhookDisabledEmail } from '../../email/templates';
import { defineJob } from '../define';
import { RetryAfterError } from '../errors';
import { webhookDeliveryRequested } from '../events';
import { deliverWebhookAttempt } from './deliver-webhook-attempt';
import type { JobDeps } from './deps';
import { links } from './links';
import { emailKey, sendEmailOnce } from './send-email-once';
import { JOB_PRIORITY } from './priorities';

/** 30 s doubling to 4 h, 12 retries: about a day of attempts per message (jitter spreads them). */
export const WEBHOOK_BACKOFF = { baseMs: 30_000, maxMs: 4 * 60 * 60 * 1000 };
export const WEBHOOK_RETRIES = 12;

export function triggerWebhook(deps: JobDeps) {
  const backoff = { ...WEBHOOK_BACKOFF, ...deps.webhooks.backoff };
  return defineJob(
    {
      id: 'trigger-webhook',
      priority: JOB_PRIORITY.notification,
      trigger: { event: webhookDeliveryRequested },
      retries: WEBHOOK_RETRIES,
      backoff,
      // Per endpoint: a burst of events for one receiver is paced, and never holds back the other receivers.
      throttle: { limit: deps.webhooks.deliveriesPerSecond, period: '1s', key: 'event.data.webhookId' },
    },
    async ({ event, step, attempt, jobId }) => {
      const stepId = `deliver-${attempt + 1}`;
      const result = await step.run(stepId, () => deliverWebhookAttempt(deps, event.data, attempt + 1));
      if (result.outcome === 'retry') {
        const message = `Webhook delivery failed: ${result.error}`;
        if (result.retryAfterMs == null) throw new Error(message);
        throw new RetryAfterError(message, Math.min(result.retryAfterMs, backoff.maxMs), { now: deps.now() });
      }
      if (result.outcome === 'disabled') {
        await step.run('email-owner', () =>
          sendEmailOnce(deps, emailKey(jobId, 'email-owner'), async () => ({
            to: (await getUser(deps.db, result.ownerId)).email,
            ...webhookDisabledEmail({ endpointUrl: result.url, reason: result.reason, settingsUrl: links.webhookSettings(deps.publicWebappUrl) }),
          })),
        );
      }
      return result;
    },
  );
}
