import { renderEmail, type RenderedEmail } from './layout';

/** To the document's owner: everyone has signed. */
export function documentCompletedOwnerEmail(input: { documentTitle: string; documentUrl: string }): RenderedEmail {
  return renderEmail({
    subject: `"${input.documentTitle}" has been signed by everyone`,
    heading: 'Your document is complete',
    paragraphs: [`All recipients have signed "${input.documentTitle}". The signed copy is ready.`],
    action: { label: 'View the signed document', url: input.documentUrl },
  });
}

/** To each recipient: a copy of what they signed, now that everyone has. */
export function documentCompletedRecipientEmail(input: { documentTitle: string; senderName: string; documentUrl: string }): RenderedEmail {
  return renderEmail({
    subject: `"${input.documentTitle}" is complete`,
    heading: 'The document you signed is complete',
    paragraphs: [`Everyone has signed "${input.documentTitle}", sent by ${input.senderName}. Keep this email to find your copy.`],
    action: { label: 'Download your copy', url: input.documentUrl },
  });
}
