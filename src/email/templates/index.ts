export { documentCompletedOwnerEmail, documentCompletedRecipientEmail } from './document-completed';
export { documentRejectedEmail } from './document-rejected';
export { escapeHtml } from './escape-html';
export type { RenderedEmail } from './layout';
export { passwordResetEmail } from './password-reset';
export { recipientExpiredEmail } from './recipient-expired';
export { signingInvitationEmail } from './signing-invitation';
export { emailVerificationEmail } from './verify-email';
export { webhookDisabledEmail } from './webhook-disabled';
