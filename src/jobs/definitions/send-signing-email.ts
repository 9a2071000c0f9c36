// One invitation per pending recipient of a sent document, each in its own step: a retry re-sends none that
// went out. The signing token is minted inside the step that emails it and only its hash is stored; the event
// carries the document id alone.
import { getDocumentParties } from '../../domain/documents/get-document-parties';
import { setSigningToken } from '../../domain/signing/set-signing-token';
import { newToken } from '../../domain/tokens';
import { signingInvitationEmail } from '../../email/templates';
import { defineJob } from '../define';
import { documentDeleted, documentRejected, documentSent } from '../events';
import type { JobDeps } from './deps';
import { JOB_PRIORITY } from './priorities';
import { links } from './links';
import { emailKey, sendEmailOnce } from './send-email-once';

export function sendSigningEmail(deps: JobDeps) {
  return defineJob(
    {
      id: 'send-signing-email',
      trigger: { event: documentSent },
      concurrency: { limit: 1, key: 'event.data.documentId' },
      // Signing invitations are what users wait on: ahead of bulk email, webhooks and sweeps.
      priority: JOB_PRIORITY.userWaiting,
      // Deleted or rejected before the invitations went out (waiting behind the limit, or for a retry): send none.
      cancelOn: [
        { event: documentDeleted, match: 'data.documentId' },
        { event: documentRejected, match: 'data.documentId' },
      ],
    },
    async ({ event, step, jobId }) => {
      const invitations = await step.run('load-recipients', async () => {
        const { document, owner, recipients } = await getDocumentParties(deps.db, event.data.documentId);
        if (document.status !== 'PENDING' || document.deletedAt) return [];
        return recipients
          .filter((recipient) => recipient.status === 'PENDING')
          .map((recipient) => ({
            recipientId: recipient.id,
            to: recipient.email,
            expiresAt: recipient.expiresAt,
            documentTitle: document.title,
            senderName: owner.name ?? owner.email,
          }));
      });
      for (const invitation of invitations) {
        const stepId = `invite-${invitation.recipientId}`;
        await step.run(stepId, () =>
          sendEmailOnce(deps, emailKey(jobId, stepId), async () => {
            const token = newToken('sgn');
            // Stored before the email exists: a crash in between leaves a hash nobody holds the token of, and the
            // retry mints a new one. Once the email row exists, retries resend that email instead (sendEmailOnce).
            if (!(await setSigningToken(deps.db, { recipientId: invitation.recipientId, token, now: deps.now() }))) return null;
            const content = signingInvitationEmail({
              documentTitle: invitation.documentTitle,
              senderName: invitation.senderName,
              signingUrl: links.signing(deps.publicWebappUrl, token),
              expiresAt: invitation.expiresAt ? new Date(invitation.expiresAt) : null,
            });
            return { to: invitation.to, ...content };
          }),
        );
      }
      return { invited: invitations.length };
    },
  );
}
