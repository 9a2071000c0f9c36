// Our tokens (API keys, signing links, email links) travel in URLs: /api/sign/<token>, /sign/<token>, ?token=.
// A request path in a log line or an error report must not hand a working link to whoever reads the logs. Every
// token we issue starts with its kind (tokens.ts), which is what this finds.

const TOKEN = /\b(sk|sgn|vrf|rst)_[A-Za-z0-9_-]{16,}/g;

/** `text` with every token of ours replaced by `<kind>_[redacted]`. */
export function redactTokens(text: string): string {
  return text.replace(TOKEN, '$1_[redacted]');
}

/** A request's path for a log line, tokens redacted (the query string is left out: it may carry a token too). */
export function loggedPath(request: Request): string {
  return redactTokens(new URL(request.url).pathname);
}
