// A request path with broken percent-encoding (`/api/documents/%ff`) fails inside Next.js's router before any of
// our code runs (proxy included): Next answers a bare text/plain 500 without our security headers. Such a URL names
// nothing we serve, so the web process answers it itself, as a client error, before Next sees it. A request in the
// absolute form is served as its path.
import http from 'node:http';
import { securityHeaders } from './app/_lib/security-headers';

const holder = globalThis as { __malformedUrlGuard?: boolean };

/** Whether every percent-escape of the path decodes (to valid UTF-8). */
function decodable(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\//i;

/** `http://host/path?query` → `/path?query` (the Host header still says which host was asked for). */
function originForm(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return '/';
  }
}

/** Patches http.Server so a request whose path does not decode is answered 400 (JSON, security headers) at once. */
export function installMalformedUrlGuard(options: { isProduction: boolean }): void {
  if (holder.__malformedUrlGuard) return;
  holder.__malformedUrlGuard = true;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function refuseMalformedUrl(this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === 'request') {
      const [request, response] = args as [http.IncomingMessage, http.ServerResponse];
      // The absolute form (`GET http://evil.example/sign/x`), which servers must accept (RFC 9112 §3.2.2): served as
      // its path. Left as it is, Next.js redirected it to the other host (an open redirect, without our headers).
      if (request.url && ABSOLUTE_FORM.test(request.url)) request.url = originForm(request.url);
      // `OPTIONS *` (the asterisk form) names no resource either; Next's router fails on it the same way.
      const problem = request.url === '*' ? 'Malformed URL: "*" names no resource here' : request.url && !decodable(request.url) ? 'Malformed URL: the path has invalid percent-encoding' : undefined;
      if (problem) {
        const body = JSON.stringify({ error: problem });
        response.writeHead(400, { ...securityHeaders('/api', undefined, options), 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        response.end(body);
        return true;
      }
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof emit;
}
