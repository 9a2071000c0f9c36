import { describe, expect, it } from 'vitest';
import {
  documentCompletedOwnerEmail,
  documentCompletedRecipientEmail,
  documentRejectedEmail,
  emailVerificationEmail,
  escapeHtml,
  passwordResetEmail,
  recipientExpiredEmail,
  signingInvitationEmail,
  webhookDisabledEmail,
  type RenderedEmail,
} from '../../src/email/templates';

const evil = '<script>alert(1)</script>';
const escaped = '&lt;script&gt;alert(1)&lt;/script&gt;';
const url = 'https://sign.example.com/sign/tok_123?a=1&b=2';

const templates: Array<[string, () => RenderedEmail]> = [
  ['signing-invitation', () => signingInvitationEmail({ documentTitle: evil, senderName: evil, signingUrl: url, expiresAt: new Date('2026-03-08T17:30:00Z') })],
  ['document-completed (owner)', () => documentCompletedOwnerEmail({ documentTitle: evil, documentUrl: url })],
  ['document-completed (recipient)', () => documentCompletedRecipientEmail({ documentTitle: evil, senderName: evil, documentUrl: url })],
  ['document-rejected', () => documentRejectedEmail({ documentTitle: evil, recipientName: evil, recipientEmail: 'r@example.com', reason: evil, documentUrl: url })],
  ['recipient-expired', () => recipientExpiredEmail({ documentTitle: evil, recipientName: evil, recipientEmail: 'r@example.com', documentUrl: url })],
  ['webhook-disabled', () => webhookDisabledEmail({ endpointUrl: `https://hooks.example.com/${evil}`, reason: evil, settingsUrl: url })],
];

describe('email templates', () => {
  it.each(templates)('%s escapes user content in the HTML and keeps it readable in the text', (_, render) => {
    const email = render();
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain(escaped);
    expect(email.text).toContain(evil);
    expect(email.subject).not.toMatch(/\n/);
  });

  it.each([...templates, ['verify-email', () => emailVerificationEmail({ verifyUrl: url })], ['password-reset', () => passwordResetEmail({ resetUrl: url })]] as const)(
    '%s links to its URL, escaped in the href',
    (_, render) => {
      const email = render();
      expect(email.html).toContain('href="https://sign.example.com/sign/tok_123?a=1&amp;b=2"');
      expect(email.text).toContain(url);
    },
  );

  it('states the signing link expiry in UTC', () => {
    const email = signingInvitationEmail({ documentTitle: 'NDA', senderName: 'Ada', signingUrl: url, expiresAt: new Date('2026-03-08T17:30:00Z') });
    expect(email.subject).toBe('Ada asked you to sign "NDA"');
    expect(email.text).toContain('This link expires on 8 March 2026 at 17:30 UTC');
    expect(signingInvitationEmail({ documentTitle: 'NDA', senderName: 'Ada', signingUrl: url }).text).not.toContain('expires');
  });

  it('tells the reader a password reset link expires in 1 hour', () => {
    expect(passwordResetEmail({ resetUrl: url }).text).toContain('expires in 1 hour');
  });

  it('quotes a rejection reason, and says so when there is none', () => {
    expect(documentRejectedEmail({ documentTitle: 'NDA', recipientEmail: 'r@example.com', reason: 'Wrong amount', documentUrl: url }).html).toContain(
      '<blockquote',
    );
    expect(documentRejectedEmail({ documentTitle: 'NDA', recipientEmail: 'r@example.com', documentUrl: url }).text).toContain('They gave no reason.');
  });

  it('keeps a subject on one line even when a title has line breaks', () => {
    expect(documentCompletedOwnerEmail({ documentTitle: 'NDA\r\nBcc: victim@example.com', documentUrl: url }).subject).toBe(
      '"NDA Bcc: victim@example.com" has been signed by everyone',
    );
  });

  it('refuses a link that is not http(s)', () => {
    expect(() => passwordResetEmail({ resetUrl: 'javascript:alert(1)' })).toThrow(/javascript:/);
  });

  it('escapes all five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});
