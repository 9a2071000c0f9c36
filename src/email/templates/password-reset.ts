import { renderEmail, type RenderedEmail } from './layout';

export function passwordResetEmail(input: { resetUrl: string }): RenderedEmail {
  return renderEmail({
    subject: 'Reset your password',
    heading: 'Reset your password',
    paragraphs: ['Someone asked to reset the password of your account. Click the button below to choose a new one.'],
    action: { label: 'Reset password', url: input.resetUrl },
    footnote: "This link expires in 1 hour and works once. If you didn't ask for it, ignore this email: your password stays the same.",
  });
}
