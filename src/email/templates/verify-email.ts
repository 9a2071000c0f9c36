import { renderEmail, type RenderedEmail } from './layout';

export function emailVerificationEmail(input: { verifyUrl: string }): RenderedEmail {
  return renderEmail({
    subject: 'Confirm your email address',
    heading: 'Confirm your email address',
    paragraphs: ['Click the button below to confirm this is your email address.'],
    action: { label: 'Confirm email', url: input.verifyUrl },
    footnote: "If you didn't create an account, you can ignore this email.",
  });
}
