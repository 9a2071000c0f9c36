// After sign-up: a link that confirms the address. The token is minted in the step that emails it, stored hashed.
import { getUser } from '../../domain/users/get-user';
import { issueUserToken } from '../../domain/users/issue-user-token';
import { emailVerificationEmail } from '../../email/templates';
import { defineJob } from '../define';
import { userSignedUp } from '../events';
import type { JobDeps } from './deps';
import { links } from './links';
import { emailKey, sendEmailOnce } from './send-email-once';
import { JOB_PRIORITY } from './priorities';

export function sendVerificationEmail(deps: JobDeps) {
  return defineJob({ id: 'send-verification-email', priority: JOB_PRIORITY.userWaiting, trigger: { event: userSignedUp } }, async ({ event, step, jobId }) => {
    const result = await step.run('email-link', () =>
      sendEmailOnce(deps, emailKey(jobId, 'email-link'), async () => {
        const user = await getUser(deps.db, event.data.userId);
        if (user.emailVerifiedAt) return null;
        const token = await issueUserToken(deps.db, { userId: user.id, kind: 'VERIFY_EMAIL', now: deps.now() });
        return { to: user.email, ...emailVerificationEmail({ verifyUrl: links.verifyEmail(deps.publicWebappUrl, token) }) };
      }),
    );
    return { sent: Boolean(result) };
  });
}
