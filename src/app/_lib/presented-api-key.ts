/**
 * The API key a request presents: `Authorization: Bearer <key>`, or the password of HTTP Basic auth (so a browser
 * can open an admin page or an emailed link: it prompts on a 401). '' when there is none.
 */
export function presentedApiKey(authorization: string | null): string {
  const header = authorization ?? '';
  if (/^Bearer\s+/i.test(header)) return header.replace(/^Bearer\s+/i, '').trim();
  if (/^Basic\s+/i.test(header)) {
    const decoded = Buffer.from(header.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1);
  }
  return '';
}
