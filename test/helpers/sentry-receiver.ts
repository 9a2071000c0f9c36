// A local stand-in for Sentry's ingest endpoint, so tests point the real SDK at it through SENTRY_DSN
// (`http://public@127.0.0.1:<port>/1`) and count what it really sends. It speaks the envelope protocol:
// `POST /api/<project>/envelope/`, body (gzip or deflate when content-encoding says so) = a JSON header line, then
// per item a JSON item header line and its payload, `length` bytes long when the item header gives one, else up to
// the next newline. Answers 200 like Sentry does.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';

export interface EnvelopeItem {
  header: { type: string; length?: number; [key: string]: unknown };
  payload: unknown;
}

export interface Envelope {
  project: string;
  header: Record<string, unknown>;
  items: EnvelopeItem[];
}

/** The parts of an error event tests read. */
export interface SentryEvent {
  event_id: string;
  tags?: Record<string, string>;
  exception?: { values?: Array<{ type?: string; value?: string }> };
  environment?: string;
  [key: string]: unknown;
}

export interface SentryReceiver {
  /** The DSN to give the SDK. */
  dsn: string;
  envelopes: Envelope[];
  /** Every error event received (items of type `event`), in arrival order. */
  events(): SentryEvent[];
  close(): Promise<void>;
}

export async function startSentryReceiver(): Promise<SentryReceiver> {
  const envelopes: Envelope[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const match = /^\/api\/([^/]+)\/envelope\/?$/.exec(new URL(req.url ?? '/', 'http://receiver').pathname);
    if (req.method !== 'POST' || !match) return void res.writeHead(404).end();
    try {
      envelopes.push({ project: match[1]!, ...parseEnvelope(decode(Buffer.concat(chunks), req.headers['content-encoding'])) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    } catch (error) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: String(error) }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    dsn: `http://public@127.0.0.1:${port}/1`,
    envelopes,
    events: () => envelopes.flatMap((envelope) => envelope.items.filter((item) => item.header.type === 'event').map((item) => item.payload as SentryEvent)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function decode(body: Buffer, encoding: string | undefined): Buffer {
  if (encoding === 'gzip') return gunzipSync(body);
  if (encoding === 'deflate') return inflateSync(body);
  return body;
}

export function parseEnvelope(body: Buffer): Omit<Envelope, 'project'> {
  let offset = 0;
  const readLine = (): Buffer => {
    const end = body.indexOf(0x0a, offset);
    const line = body.subarray(offset, end === -1 ? body.length : end);
    offset = end === -1 ? body.length : end + 1;
    return line;
  };
  const header = JSON.parse(readLine().toString('utf8')) as Record<string, unknown>;
  const items: EnvelopeItem[] = [];
  while (offset < body.length) {
    const line = readLine();
    if (line.length === 0) continue;
    const itemHeader = JSON.parse(line.toString('utf8')) as EnvelopeItem['header'];
    let raw: Buffer;
    if (typeof itemHeader.length === 'number') {
      raw = body.subarray(offset, offset + itemHeader.length);
      offset += itemHeader.length;
      if (body[offset] === 0x0a) offset += 1;
    } else {
      raw = readLine();
    }
    const text = raw.toString('utf8');
    items.push({ header: itemHeader, payload: isJsonItem(itemHeader.type) ? JSON.parse(text) : text });
  }
  return { header, items };
}

/** Attachments and replays carry raw bytes; everything else this suite meets is JSON. */
function isJsonItem(type: string): boolean {
  return type !== 'attachment' && type !== 'replay_recording';
}
