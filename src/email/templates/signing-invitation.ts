import { formatDate, renderEmail, type RenderedEmail } from './layout';

export function signingInvitationEmail(input: {
  documentTitle: string;
  senderName: string;
  signingUrl: string;
  expiresAt?: Date | null;
}): RenderedEmail {
  return renderEmail({
    subject: `${input.senderName} asked you to sign "${input.documentTitle}"`,
    heading: 'You have a document to sign',
    paragraphs: [`${input.senderName} sent you "${input.documentTitle}" to review and sign.`],
    action: { label: 'Review and sign', url: input.signingUrl },
    footnote: input.expiresAt
      ? `This link expires on ${formatDate(input.expiresAt)}. It is personal to you: please don't forward this email.`
      : "This link is personal to you: please don't forward this email.",
  });
}
