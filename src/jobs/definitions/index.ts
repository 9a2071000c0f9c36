// Every job definition of the app. Adding a job: a file here, a line below.
import type { JobDefinition } from '../define';
import { auditCleanup } from './audit-cleanup';
import type { JobDeps } from './deps';
import { documentCleanup } from './document-cleanup';
import { documentCompleted } from './document-completed';
import { documentRejected } from './document-rejected';
import { emailSend, emailSendBatch } from './email-send';
import { expireRecipientsSweep } from './expire-recipients-sweep';
import { jobHealthAlerts } from './job-health-alerts';
import { sendPasswordResetEmail } from './send-password-reset-email';
import { sendSigningEmail } from './send-signing-email';
import { sendVerificationEmail } from './send-verification-email';
import { triggerWebhook } from './trigger-webhook';

export type { JobDeps };
export { createJobDeps } from './deps';

export function appDefinitions(deps: JobDeps): JobDefinition<never>[] {
  return [
    sendSigningEmail(deps),
    documentCompleted(deps),
    documentRejected(deps),
    triggerWebhook(deps),
    expireRecipientsSweep(deps),
    auditCleanup(deps),
    documentCleanup(deps),
    jobHealthAlerts(deps),
    sendVerificationEmail(deps),
    sendPasswordResetEmail(deps),
    emailSend(deps),
    emailSendBatch(deps),
  ] as JobDefinition<never>[];
}
