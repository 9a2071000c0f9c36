// After "forgot password": a reset link that works once, for one hour. Minted in the step that emails it. Every
// request becomes this job, known address or not (the route does the same work for both); for an address without
// an account it sends nothing.
import { findUserByEmail } from '../../domain/users/find-user-by-email';
import { getUser } from '../../domain/users/get-user';
import { issueUserToken } from '../../domain/users/issue-user-token';
import { passwordResetEmail } from '../../email/templates';
import { defineJob } from '../define';
import { passwordResetRequested } from '../events';
import type { JobDeps } from './deps';
import { links } from './links';
import { emailKey, sendEmailOnce } from './send-email-once';
import { JOB_PRIORITY } from './priorities';

export function sendPasswordResetEmail(deps: JobDeps) {
  return defineJob({ id: 'send-password-reset-email', priority: JOB_PRIORITY.userWaiting, trigger: { event: passwordResetRequested } }, async ({ event, step, jobId }) => {
    await step.run('email-link', () =>
      sendEmailOnce(deps, emailKey(jobId, 'email-link'), async () => {
        const user = 'email' in event.data ? await findUserByEmail(deps.db, event.data.email) : await getUser(deps.db, event.data.userId);
        if (!user) return null;
        const token = await issueUserToken(deps.db, { userId: user.id, kind: 'RESET_PASSWORD', now: deps.now() });
        return { to: user.email, ...passwordResetEmail({ resetUrl: links.resetPassword(deps.publicWebappUrl, token) }) };
      }),
    );
  });
}
