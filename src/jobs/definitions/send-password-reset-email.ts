// After "forgot password": a reset link that works once, for one hour. Minted in the step that emails it.
import { getUser } from '../../domain/users/get-user';
import { issueUserToken } from '../../domain/users/issue-user-token';
import { passwordResetEmail } from '../../email/templates';
import { defineJob } from '../define';
import { passwordResetRequested } from '../events';
import type { JobDeps } from './deps';
import { links } from './links';
import { emailKey, sendEmailOnce } from './send-email-once';

export function sendPasswordResetEmail(deps: JobDeps) {
  return defineJob({ id: 'send-password-reset-email', trigger: { event: passwordResetRequested } }, async ({ event, step, jobId }) => {
    await step.run('email-link', () =>
      sendEmailOnce(deps, emailKey(jobId, 'email-link'), async () => {
        const user = await getUser(deps.db, event.data.userId);
        const token = await issueUserToken(deps.db, { userId: user.id, kind: 'RESET_PASSWORD', now: deps.now() });
        return { to: user.email, ...passwordResetEmail({ resetUrl: links.resetPassword(deps.publicWebappUrl, token) }) };
      }),
    );
  });
}
