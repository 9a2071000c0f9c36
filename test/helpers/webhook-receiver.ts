// A real webhook receiver on 127.0.0.1 that verifies every request with the official `standardwebhooks`
// package and can misbehave on demand (status, redirect, hang, endless body). Plus a canary: a listener that
// must never be connected to, for SSRF tests.
import { EventEmitter, once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export type ResponsePlan =
  | { status: number; headers?: Record<string, string>; body?: string }
  /** Never answer: tests a timeout before the headers. */
  | { hang: 'before-headers' }
  /** Send 200 and a first chunk, then stall: tests a timeout while reading the body. */
  | { hang: 'in-body' }
  /** Stream `bytes` of body with backpressure, stopping early if the client goes away. */
  | { status: number; streamBytes: number };

export interface ReceivedWebhook {
  headers: http.IncomingHttpHeaders;
  body: string;
  verified: boolean;
  verifyError?: string;
  /** Resolves when the connection this request came on is closed, by either side. */
  closed: Promise<void>;
  /** For streamed answers: how much was written before the stream ended or the client left. */
  streamed?: { bytesWritten: number; finished: boolean };
}

export interface WebhookReceiver {
  readonly url: string;
  readonly received: ReceivedWebhook[];
  /** Answers for the next requests, in order; afterwards 200 "ok". */
  respondWith(...plans: ResponsePlan[]): void;
  nextRequest(): Promise<ReceivedWebhook>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secrets: string | string[]): Promise<WebhookReceiver> {
  const verifiers = (Array.isArray(secrets) ? secrets : [secrets]).map((secret) => new Webhook(secret));
  const plans: ResponsePlan[] = [];
  const received: ReceivedWebhook[] = [];
  const events = new EventEmitter();

  const server = http.createServer(async (req, res) => {
    // Not events.once: it rejects on the socket's 'error' (ECONNRESET when a client cuts us off), which is expected.
    const closed = new Promise<void>((resolve) => req.socket.once('close', () => resolve()));
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const record: ReceivedWebhook = { headers: req.headers, body, closed, ...verify(verifiers, body, req.headers) };
    received.push(record);
    events.emit('request', record);
    answer(plans.shift() ?? { status: 200, body: 'ok' }, res, record);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    respondWith: (...next) => void plans.push(...next),
    nextRequest: () => once(events, 'request').then(([record]) => record as ReceivedWebhook),
    close: () => closeServer(server),
  };
}

/** Verifies with each secret; any match passes (rotation). */
function verify(verifiers: Webhook[], body: string, headers: http.IncomingHttpHeaders): Pick<ReceivedWebhook, 'verified' | 'verifyError'> {
  const flat = Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  let lastError = 'no secret';
  for (const verifier of verifiers) {
    try {
      verifier.verify(body, flat);
      return { verified: true };
    } catch (error) {
      lastError = (error as Error).message;
    }
  }
  return { verified: false, verifyError: lastError };
}

function answer(plan: ResponsePlan, res: http.ServerResponse, record: ReceivedWebhook): void {
  if ('hang' in plan) {
    if (plan.hang === 'in-body') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
    }
    return;
  }
  if ('streamBytes' in plan) {
    stream(res, plan.status, plan.streamBytes, record);
    return;
  }
  res.writeHead(plan.status, plan.headers).end(plan.body ?? '');
}

function stream(res: http.ServerResponse, status: number, total: number, record: ReceivedWebhook): void {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const progress = { bytesWritten: 0, finished: false };
  record.streamed = progress;
  res.writeHead(status, { 'content-type': 'text/plain', 'content-length': String(total) });
  res.on('close', () => void (progress.finished = res.writableFinished));
  const pump = () => {
    while (progress.bytesWritten < total && !res.destroyed) {
      const piece = chunk.subarray(0, Math.min(chunk.length, total - progress.bytesWritten));
      progress.bytesWritten += piece.length;
      if (!res.write(piece)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

export interface Canary {
  /** Connections accepted so far on any of its addresses. */
  readonly connections: number;
  readonly portV4: number;
  readonly portV6: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 and ::1 and counts connections; an SSRF test passes only if this stays 0. */
export async function startCanary(): Promise<Canary> {
  let connections = 0;
  const servers = [http.createServer((_, res) => res.end('canary')), http.createServer((_, res) => res.end('canary'))];
  for (const server of servers) server.on('connection', () => void (connections += 1));
  await new Promise<void>((resolve) => servers[0]!.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => servers[1]!.listen(0, '::1', resolve));
  return {
    get connections() {
      return connections;
    },
    portV4: (servers[0]!.address() as AddressInfo).port,
    portV6: (servers[1]!.address() as AddressInfo).port,
    close: async () => void (await Promise.all(servers.map(closeServer))),
  };
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
