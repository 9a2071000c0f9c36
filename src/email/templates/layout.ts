// The one place email HTML is assembled. Templates hand over plain text and URLs; every piece is escaped here,
// so a template cannot forget to escape user content.
import { escapeHtml } from './escape-html';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface EmailContent {
  subject: string;
  heading: string;
  paragraphs: string[];
  /** A user's own words (a rejection reason), set apart from ours. */
  quote?: string;
  action?: { label: string; url: string };
  /** Small print under the action: expiry, "ignore this if…". */
  footnote?: string;
}

export function renderEmail(content: EmailContent): RenderedEmail {
  const action = content.action && { ...content.action, url: httpUrl(content.action.url) };
  const html = [
    '<!doctype html>',
    '<html><body style="margin:0;padding:24px;background:#f4f4f5;font-family:Helvetica,Arial,sans-serif;color:#18181b">',
    '<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px">',
    `<h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(content.heading)}</h1>`,
    ...content.paragraphs.map((paragraph) => `<p style="line-height:1.5">${escapeHtml(paragraph)}</p>`),
    content.quote ? `<blockquote style="margin:16px 0;padding-left:12px;border-left:3px solid #d4d4d8">${escapeHtml(content.quote)}</blockquote>` : '',
    action
      ? `<p><a href="${escapeHtml(action.url)}" style="display:inline-block;background:#18181b;color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none">${escapeHtml(action.label)}</a></p>`
      : '',
    content.footnote ? `<p style="font-size:12px;color:#71717a">${escapeHtml(content.footnote)}</p>` : '',
    '</div></body></html>',
  ].join('');
  const text = [
    content.heading,
    ...content.paragraphs,
    ...(content.quote ? [`"${content.quote}"`] : []),
    ...(action ? [`${action.label}: ${action.url}`] : []),
    ...(content.footnote ? [content.footnote] : []),
  ].join('\n\n');
  return { subject: oneLine(content.subject), html, text: `${text}\n` };
}

/** A subject is one header line: user content with line breaks must not be able to add lines. */
function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

/** Links in our emails are http(s) only: a `javascript:` URL escaped is still a `javascript:` URL. */
function httpUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`Refusing a ${parsed.protocol} link in an email`);
  return parsed.toString();
}

/** Dates in emails are UTC and spelled out, so every recipient reads the same moment. */
export function formatDate(date: Date): string {
  return `${new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(date)} UTC`;
}
