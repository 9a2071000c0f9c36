// Hourly (UTC): recipients whose signing window has passed. Up to 1,000 per run, in a fixed number of statements
// whatever the count (bench/domain.ts counts them): one to mark them expired and audit them, one lookup of subscribed
// endpoints, one enqueue of their recipient.expired deliveries, one batch of owner notifications.
import { expireRecipients } from '../../domain/recipients/expire-recipients';
import { recipientExpiredEmail } from '../../email/templates';
import { defineJob } from '../define';
import type { JobDeps } from './deps';
import { fireWebhooks, webhookMessageId } from './fire-webhooks';
import { links } from './links';
import { emailKey } from './send-email-once';
import { JOB_PRIORITY } from './priorities';

export const EXPIRE_RECIPIENTS_CRON = '0 * * * *';
export const EXPIRE_BATCH_SIZE = 1000;

export function expireRecipientsSweep(deps: JobDeps) {
  return defineJob({ id: 'expire-recipients-sweep', priority: JOB_PRIORITY.maintenance, trigger: { cron: EXPIRE_RECIPIENTS_CRON } }, async ({ step, jobId }) => {
    const expired = await step.run('expire-recipients', () => expireRecipients(deps.db, { now: deps.now(), limit: EXPIRE_BATCH_SIZE }));
    const notices = expired.filter((recipient) => recipient.notifyOwner);
    const webhooks = await fireWebhooks(
      step,
      deps,
      'recipient.expired',
      notices.map((recipient) => ({
        ownerId: recipient.ownerId,
        messageId: webhookMessageId('recipient.expired', recipient.id),
        occurredAt: recipient.expiresAt,
        payload: { documentId: recipient.documentId, title: recipient.documentTitle, recipient: { email: recipient.email, name: recipient.name }, expiresAt: recipient.expiresAt },
      })),
    );
    if (notices.length) {
      await step.run('notify-owners', async () => {
        const messages = notices.map((recipient) => ({
          to: recipient.ownerEmail,
          ...recipientExpiredEmail({
            documentTitle: recipient.documentTitle,
            recipientName: recipient.name,
            recipientEmail: recipient.email,
            documentUrl: links.document(deps.publicWebappUrl, recipient.documentId),
          }),
          idempotencyKey: emailKey(jobId, 'notify-owners', recipient.id),
        }));
        return { sent: (await deps.email.sendBatch(deps.db, messages)).length };
      });
    }
    return { expired: expired.length, notified: notices.length, webhooks };
  });
}
