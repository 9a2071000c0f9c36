// After the last signature: mark the document COMPLETED, fire document.completed webhooks, and email the owner
// and every recipient. Each side effect is one memoized step, so a retry redoes only what had not happened.
import { completeDocument } from '../../domain/documents/complete-document';
import { getDocumentParties } from '../../domain/documents/get-document-parties';
import { documentCompletedOwnerEmail, documentCompletedRecipientEmail } from '../../email/templates';
import { defineJob } from '../define';
import { documentAllSigned } from '../events';
import type { JobDeps } from './deps';
import { fireWebhooks, webhookMessageId } from './fire-webhooks';
import { links } from './links';
import { emailKey, sendEmailOnce } from './send-email-once';
import { JOB_PRIORITY } from './priorities';

export function documentCompleted(deps: JobDeps) {
  return defineJob({ id: 'document-completed', priority: JOB_PRIORITY.notification, trigger: { event: documentAllSigned } }, async ({ event, step, jobId }) => {
    const { documentId } = event.data;
    const summary = await step.run('mark-completed', async () => {
      const { completed } = await completeDocument(deps.db, { documentId, now: deps.now() });
      if (!completed) return null;
      const { document, owner, recipients } = await getDocumentParties(deps.db, documentId);
      return {
        title: document.title,
        completedAt: document.completedAt!,
        owner,
        recipients: recipients.map(({ id, email, name, signedAt }) => ({ id, email, name, signedAt })),
      };
    });
    // Not pending any more (withdrawn, or completed by an earlier job): nothing to announce.
    if (!summary) return { completed: false };
    const documentUrl = links.document(deps.publicWebappUrl, documentId);

    const webhooks = await fireWebhooks(step, deps, 'document.completed', [
      {
        ownerId: summary.owner.id,
        messageId: webhookMessageId('document.completed', documentId),
        occurredAt: summary.completedAt,
        payload: {
          documentId,
          title: summary.title,
          status: 'COMPLETED',
          completedAt: summary.completedAt,
          recipients: summary.recipients.map(({ email, name, signedAt }) => ({ email, name, signedAt })),
        },
      },
    ]);
    await step.run('email-owner', () =>
      sendEmailOnce(deps, emailKey(jobId, 'email-owner'), () => ({
        to: summary.owner.email,
        ...documentCompletedOwnerEmail({ documentTitle: summary.title, documentUrl }),
      })),
    );
    await step.run('email-recipients', async () => {
      const content = documentCompletedRecipientEmail({ documentTitle: summary.title, senderName: summary.owner.name ?? summary.owner.email, documentUrl });
      const results = await deps.email.sendBatch(
        deps.db,
        summary.recipients.map((recipient) => ({ to: recipient.email, ...content, idempotencyKey: emailKey(jobId, 'email-recipients', recipient.id) })),
      );
      return { sent: results.length };
    });
    return { completed: true, emailed: summary.recipients.length + 1, webhooks };
  });
}
