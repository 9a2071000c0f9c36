// Next.js proxy (formerly middleware), Node.js runtime: puts the security headers on every answer. A page request
// gets a fresh CSP nonce, set on the request's Content-Security-Policy header too, where Next.js reads it while
// rendering and adds it to its scripts (every page renders per request, see src/app/layout.tsx).
import { NextResponse, type NextRequest } from 'next/server';
import { newNonce, securityHeaders } from './app/_lib/security-headers';
import { getConfig } from './env';

export function proxy(request: NextRequest): NextResponse {
  const { pathname } = request.nextUrl;
  const nonce = pathname === '/api' || pathname.startsWith('/api/') ? undefined : newNonce();
  const headers = securityHeaders(pathname, nonce, { isProduction: getConfig().isProduction });
  const requestHeaders = new Headers(request.headers);
  if (nonce !== undefined) requestHeaders.set('content-security-policy', headers['Content-Security-Policy']!);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  // Static build files are immutable scripts and styles; everything else, pages and API alike, gets the headers.
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
