// The `hostname:port` key of WEBHOOK_ALLOWED_HOSTS, spelled as WHATWG URL spells a URL's parts, so `127.1:80`,
// `LOCALHOST:80` and `http://localhost/` all meet on one string. Dependency-free: src/env.ts parses with it.

/** A URL's `hostname:port`, with the scheme's default port when the URL names none. */
export function hostPortOf(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.hostname.toLowerCase()}:${port}`;
}

/** `host:port` normalised like hostPortOf, or null when it is not one. */
export function normalizeHostPort(entry: string): string | null {
  if (!/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(entry)) return null;
  try {
    const url = new URL(`http://${entry}`);
    const port = entry.slice(entry.lastIndexOf(':') + 1);
    if (Number(port) < 1 || Number(port) > 65_535) return null;
    return `${url.hostname.toLowerCase()}:${Number(port)}`;
  } catch {
    return null;
  }
}
