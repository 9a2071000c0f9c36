import { renderEmail, type RenderedEmail } from './layout';

/** To the owner: a recipient's signing link expired before they signed. */
export function recipientExpiredEmail(input: {
  documentTitle: string;
  recipientName?: string | null;
  recipientEmail: string;
  documentUrl: string;
}): RenderedEmail {
  const who = input.recipientName ? `${input.recipientName} (${input.recipientEmail})` : input.recipientEmail;
  return renderEmail({
    subject: `${who} did not sign "${input.documentTitle}" in time`,
    heading: 'A signing link expired',
    paragraphs: [`The link ${who} received for "${input.documentTitle}" expired before they signed.`, 'You can send them a new one.'],
    action: { label: 'Open the document', url: input.documentUrl },
  });
}
