// The security headers of every answer, decided in one place (src/proxy.ts applies them). Pages get a nonce-based
// Content-Security-Policy: Next.js reads the nonce from the request's CSP header and puts it on its own scripts,
// so only scripts we serve run; 'strict-dynamic' lets those load the chunks they import. API answers are data,
// never documents: `default-src 'none'`. Every answer refuses framing, MIME sniffing and the Referer header (the
// signing, verification and reset pages carry their token in the URL).

export interface SecurityHeaderOptions {
  /** HSTS only in production: it tells browsers to use HTTPS for a year, which matters only behind HTTPS. */
  isProduction: boolean;
}

/** bull-board serves its own HTML and scripts from here; it gets every header but a page CSP of ours. */
const OWN_HTML_PREFIXES = ['/api/jobs/board'];

export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
}

export function pageContentSecurityPolicy(nonce: string, options: SecurityHeaderOptions): string {
  return [
    "default-src 'self'",
    // React's development build evaluates code to rebuild server stacks; production needs no eval.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.isProduction ? '' : " 'unsafe-eval'"}`,
    // The development overlay sets inline styles, which a nonce cannot cover; production has none.
    options.isProduction ? `style-src 'self' 'nonce-${nonce}'` : "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The operators' dashboard checks the Origin of its form posts (CSRF), and under `no-referrer` a browser sends
 * `Origin: null` even to the same site. `same-origin` still sends nothing to other sites, and its pages carry no token.
 */
const SAME_ORIGIN_REFERRER_PREFIXES = ['/admin/jobs'];

const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";
const FRAMING_ONLY_POLICY = "frame-ancestors 'none'";

const isUnder = (pathname: string, prefixes: readonly string[]) => prefixes.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));

/** The headers every answer carries, and the CSP that fits its path (`nonce` for pages). */
export function securityHeaders(pathname: string, nonce: string | undefined, options: SecurityHeaderOptions): Record<string, string> {
  const csp = isUnder(pathname, OWN_HTML_PREFIXES)
    ? FRAMING_ONLY_POLICY
    : nonce === undefined
      ? API_CONTENT_SECURITY_POLICY
      : pageContentSecurityPolicy(nonce, options);
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': isUnder(pathname, SAME_ORIGIN_REFERRER_PREFIXES) ? 'same-origin' : 'no-referrer',
    ...(options.isProduction && { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' }),
  };
}
