import type { ReactNode } from 'react';
import './app.css';

export const metadata = { title: 'Signing jobs' };
// Every page renders per request: the Content-Security-Policy nonce (src/proxy.ts) reaches Next's scripts only
// while rendering, so a page prerendered at build time would have its scripts blocked.
export const dynamic = 'force-dynamic';

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
