// A local stand-in for Resend's HTTP API (POST /emails, POST /emails/batch), spoken to by the real `resend` SDK
// through RESEND_BASE_URL. It records every request, keeps Resend's idempotency rules (same key and body: the
// same answer and nothing sent; same key, other body: 409 invalid_idempotent_request), and fails on demand.
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  status: number;
}

export interface DeliveredEmail {
  id: string;
  from: string;
  to: string | string[];
  subject: string;
  html?: string;
  text?: string;
  idempotencyKey?: string;
}

export interface Failure {
  status: number;
  name: string;
  message?: string;
  headers?: Record<string, string>;
  /** Deliver first, then fail: the answer is lost, the email is not (the case idempotency keys exist for). */
  afterDelivery?: boolean;
}

export const failures = {
  rateLimited: (retryAfterSeconds: number): Failure => ({
    status: 429,
    name: 'rate_limit_exceeded',
    message: 'Too many requests. You can only make 2 requests per second.',
    headers: { 'retry-after': String(retryAfterSeconds) },
  }),
  serverError: (options: { afterDelivery?: boolean } = {}): Failure => ({ status: 500, name: 'internal_server_error', message: 'Unexpected error', ...options }),
  validation: (message = 'Invalid `to` field.'): Failure => ({ status: 422, name: 'validation_error', message }),
  concurrentIdempotentRequests: (): Failure => ({ status: 409, name: 'concurrent_idempotent_requests', message: 'Same key in flight.' }),
};

export interface FakeResend {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Emails actually accepted for delivery, once each. */
  readonly delivered: DeliveredEmail[];
  /** The next `times` requests fail with `failure`, after `after` requests that succeed. */
  failNext(failure: Failure, times?: number, options?: { after?: number }): void;
  close(): Promise<void>;
}

interface Remembered {
  path: string;
  bodyHash: string;
  status: number;
  response: unknown;
}

export async function startFakeResend(): Promise<FakeResend> {
  const requests: RecordedRequest[] = [];
  const delivered: DeliveredEmail[] = [];
  /** One entry per coming request: a failure, or null to let it through. */
  const pendingFailures: Array<Failure | null> = [];
  const idempotency = new Map<string, Remembered>();

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const recorded: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body: safeJson(raw), status: 0 };
    requests.push(recorded);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      recorded.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    };
    const error = (status: number, name: string, message: string, headers?: Record<string, string>) =>
      reply(status, { statusCode: status, name, message }, headers);

    if (req.method !== 'POST' || (path !== '/emails' && path !== '/emails/batch')) return error(404, 'not_found', 'Not found');
    if (!/^Bearer re_\S+$/.test(req.headers.authorization ?? '')) return error(401, 'missing_api_key', 'Missing API key in the authorization header.');

    const key = header(req.headers['idempotency-key']);
    if (key !== undefined && (key.length === 0 || key.length > 256)) {
      return error(400, 'invalid_idempotency_key', 'The key must be between 1-256 chars.');
    }
    const bodyHash = createHash('sha256').update(raw).digest('hex');
    const remembered = key === undefined ? undefined : idempotency.get(key);
    if (remembered) {
      if (remembered.path !== path || remembered.bodyHash !== bodyHash) {
        return error(409, 'invalid_idempotent_request', 'Same idempotency key used with a different request payload.');
      }
      return reply(remembered.status, remembered.response);
    }

    const failure = pendingFailures.shift();
    if (failure && !failure.afterDelivery) return error(failure.status, failure.name, failure.message ?? failure.name, failure.headers);

    const emails = path === '/emails' ? [recorded.body] : recorded.body;
    const problem = validate(emails, path === '/emails/batch');
    if (problem) return error(422, 'validation_error', problem);
    const ids = (emails as Array<Record<string, unknown>>).map((email) => {
      const id = randomUUID();
      delivered.push({ id, ...(email as Omit<DeliveredEmail, 'id'>), ...(key !== undefined && { idempotencyKey: key }) });
      return id;
    });
    const response = path === '/emails' ? { id: ids[0] } : { data: ids.map((id) => ({ id })) };
    // Resend keeps a key's successful answer for 24 hours; errors are not kept, so a retry can succeed.
    if (key !== undefined) idempotency.set(key, { path, bodyHash, status: 200, response });
    if (failure) return error(failure.status, failure.name, failure.message ?? failure.name, failure.headers);
    reply(200, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    delivered,
    failNext: (failure, times = 1, { after = 0 } = {}) =>
      void pendingFailures.push(...Array<null>(after).fill(null), ...Array<Failure>(times).fill(failure)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The checks Resend makes before accepting: required fields, and at most 100 emails per batch. */
function validate(emails: unknown, isBatch: boolean): string | null {
  if (!Array.isArray(emails)) return isBatch ? 'The batch must be an array of emails.' : 'Invalid body.';
  if (isBatch && (emails.length === 0 || emails.length > 100)) return 'A batch holds 1 to 100 emails.';
  for (const email of emails as Array<Record<string, unknown>>) {
    for (const field of ['from', 'to', 'subject'] as const) {
      if (!email?.[field]) return `Missing \`${field}\` field.`;
    }
  }
  return null;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
