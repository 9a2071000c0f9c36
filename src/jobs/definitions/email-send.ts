// The generic email queue: `email/send` sends one message, `email/send-batch` many, through Resend's batch API in
// chunks of 10 (the transport chunks; a retry rebuilds the same chunks and skips the messages already sent).
import { defineJob } from '../define';
import { emailBatchRequested, emailSendRequested } from '../events';
import type { JobDeps } from './deps';
import { emailKey, sendEmailOnce } from './send-email-once';
import { JOB_PRIORITY } from './priorities';

export function emailSend(deps: JobDeps) {
  // One Resend request per job: the throttle keeps the queue inside Resend's per-team rate limit; the excess waits.
  const throttle = { limit: deps.emailSendsPerSecond, period: '1s' } as const;
  return defineJob({ id: 'email-send', throttle, trigger: { event: emailSendRequested } }, async ({ event, step, jobId }) =>
    step.run('send', () => sendEmailOnce(deps, emailKey(jobId, 'send'), () => event.data)),
  );
}

export function emailSendBatch(deps: JobDeps) {
  return defineJob({ id: 'email-send-batch', priority: JOB_PRIORITY.bulk, trigger: { event: emailBatchRequested } }, async ({ event, step, jobId }) =>
    step.run('send', async () => {
      const messages = event.data.messages.map((message, index) => ({ ...message, idempotencyKey: emailKey(jobId, 'send', String(index)) }));
      const results = await deps.email.sendBatch(deps.db, messages);
      return { sent: results.filter((result) => !result.deduplicated).length, deduplicated: results.filter((result) => result.deduplicated).length };
    }),
  );
}
