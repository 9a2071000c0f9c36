// After a recipient declined: mark the document REJECTED, fire document.rejected webhooks, and tell the owner
// (with the reason).
import { getDocumentParties } from '../../domain/documents/get-document-parties';
import { markDocumentRejected } from '../../domain/documents/mark-document-rejected';
import { documentRejectedEmail } from '../../email/templates';
import { defineJob } from '../define';
import { documentRejected as documentRejectedEvent } from '../events';
import type { JobDeps } from './deps';
import { fireWebhooks, webhookMessageId } from './fire-webhooks';
import { links } from './links';
import { emailKey, sendEmailOnce } from './send-email-once';
import { JOB_PRIORITY } from './priorities';

export function documentRejected(deps: JobDeps) {
  return defineJob({ id: 'document-rejected', priority: JOB_PRIORITY.notification, trigger: { event: documentRejectedEvent } }, async ({ event, step, jobId }) => {
    const { documentId, recipientId } = event.data;
    const summary = await step.run('mark-rejected', async () => {
      const { rejected } = await markDocumentRejected(deps.db, { documentId, recipientId, now: deps.now() });
      if (!rejected) return null;
      const { document, owner, recipients } = await getDocumentParties(deps.db, documentId);
      const recipient = recipients.find((candidate) => candidate.id === recipientId);
      if (!recipient) return null;
      return {
        title: document.title,
        rejectedAt: document.rejectedAt!,
        owner,
        recipient: { email: recipient.email, name: recipient.name, reason: recipient.rejectionReason },
      };
    });
    if (!summary) return { rejected: false };

    const webhooks = await fireWebhooks(step, deps, 'document.rejected', [
      {
        ownerId: summary.owner.id,
        messageId: webhookMessageId('document.rejected', documentId),
        occurredAt: summary.rejectedAt,
        payload: { documentId, title: summary.title, status: 'REJECTED', rejectedAt: summary.rejectedAt, rejectedBy: summary.recipient },
      },
    ]);
    await step.run('email-owner', () =>
      sendEmailOnce(deps, emailKey(jobId, 'email-owner'), () => ({
        to: summary.owner.email,
        ...documentRejectedEmail({
          documentTitle: summary.title,
          recipientName: summary.recipient.name,
          recipientEmail: summary.recipient.email,
          reason: summary.recipient.reason,
          documentUrl: links.document(deps.publicWebappUrl, documentId),
        }),
      })),
    );
    return { rejected: true, webhooks };
  });
}
