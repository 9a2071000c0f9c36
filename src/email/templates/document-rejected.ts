import { renderEmail, type RenderedEmail } from './layout';

/** To the owner: one recipient declined, which stops the document for everyone. */
export function documentRejectedEmail(input: {
  documentTitle: string;
  recipientName?: string | null;
  recipientEmail: string;
  reason?: string | null;
  documentUrl: string;
}): RenderedEmail {
  const who = input.recipientName ? `${input.recipientName} (${input.recipientEmail})` : input.recipientEmail;
  return renderEmail({
    subject: `${who} declined to sign "${input.documentTitle}"`,
    heading: 'A recipient declined to sign',
    paragraphs: [
      `${who} declined to sign "${input.documentTitle}".`,
      input.reason ? 'Their reason:' : 'They gave no reason.',
    ],
    ...(input.reason && { quote: input.reason }),
    action: { label: 'Open the document', url: input.documentUrl },
  });
}
