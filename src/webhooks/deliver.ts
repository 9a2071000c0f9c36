// One webhook delivery attempt: sign, POST through an agent that refuses private addresses at connect time,
// read a capped slice of the answer, and say what the caller should do next. Never throws for the receiver's
// behaviour; the outcome carries it.
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { policyForUrl, webhookUrlRefusalReason, RefusedAddressError, type AddressPolicy } from './address-guard';
import { createGuardedLookup, type Resolver } from './guarded-lookup';
import { readCappedBody, textExcerpt } from './response-body';
import { parseRetryAfter } from './retry-after';
import { signWebhook } from './sign';

export interface WebhookMessage {
  url: string;
  /** One secret, or several while an endpoint's secret is being rotated. */
  secret: string | readonly string[];
  /** The `webhook-id`: the same on every attempt of one message, so receivers can deduplicate. */
  messageId: string;
  event: string;
  payload: unknown;
  /** When the event happened; goes in the body, which therefore stays byte-identical across attempts. */
  occurredAt?: Date;
}

export interface DeliveryOptions {
  /** Development only: allow loopback and private networks (link-local and metadata stay refused). */
  allowPrivate: boolean;
  /** Exact `hostname:port` targets that may be private (WEBHOOK_ALLOWED_HOSTS). */
  allowedHosts?: readonly string[];
  /** Covers DNS, connect, headers and body together. */
  timeoutMs?: number;
  maxResponseBytes?: number;
  storedExcerptBytes?: number;
  /** The attempt's clock: signs `webhook-timestamp` and resolves a Retry-After date. */
  now?: () => Date;
  /** DNS for the connect-time check; tests inject one so no real lookup happens. */
  resolve?: Resolver;
}

export type DeliveryOutcome = 'delivered' | 'retry' | 'disable' | 'refused';

export interface DeliveryResult {
  ok: boolean;
  outcome: DeliveryOutcome;
  statusCode?: number;
  durationMs: number;
  responseExcerpt?: string;
  error?: string;
  retryAfterMs?: number;
}

export const DELIVERY_DEFAULTS = { timeoutMs: 10_000, maxResponseBytes: 64 * 1024, storedExcerptBytes: 4 * 1024 } as const;

const USER_AGENT = 'signing-jobs-webhooks/1';

/** Statuses by which Standard Webhooks receivers ask to be retried later; their Retry-After is honoured. */
const THROTTLE_STATUSES = new Set([429, 502, 503, 504]);

/** The Standard Webhooks envelope: `{ type, timestamp, data }`. */
export function webhookBody(event: string, payload: unknown, occurredAt?: Date): string {
  return JSON.stringify({ type: event, ...(occurredAt && { timestamp: occurredAt.toISOString() }), data: payload });
}

export async function deliverWebhook(message: WebhookMessage, options: DeliveryOptions): Promise<DeliveryResult> {
  const { timeoutMs = DELIVERY_DEFAULTS.timeoutMs, maxResponseBytes = DELIVERY_DEFAULTS.maxResponseBytes } = options;
  const { storedExcerptBytes = DELIVERY_DEFAULTS.storedExcerptBytes } = options;
  const now = options.now ?? (() => new Date());
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);

  // The lookup hook never sees literal IPs (net.connect skips DNS for them), so they are judged here.
  const refusal = webhookUrlRefusalReason(message.url, options);
  if (refusal) return { ok: false, outcome: 'refused', error: refusal, durationMs: elapsed() };
  // The lookup sees only a hostname, so an allow-listed host:port decides its policy here, for this URL alone.
  const policy: AddressPolicy = policyForUrl(new URL(message.url), options);

  const body = webhookBody(message.event, message.payload, message.occurredAt);
  const headers = signWebhook({ secret: message.secret, messageId: message.messageId, timestamp: now(), body });
  // One agent per attempt: its lookup carries this attempt's policy, and destroying it kills any socket a
  // hung receiver still holds.
  const agent = new Agent({ connect: { lookup: createGuardedLookup(policy, options.resolve), timeout: timeoutMs } });
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // undici ignores the abort signal while a connection is still being set up (a hung DNS answer waits out the
  // connect timeout), so the deadline is a race of its own rather than the signal alone.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
  });
  const exchanged = exchange(message.url, { ...headers, 'user-agent': USER_AGENT }, body, agent, abort.signal, maxResponseBytes);
  // When the deadline wins, this rejects as the agent is destroyed below: a consequence, not a second failure.
  exchanged.catch(() => {});
  try {
    const response = await Promise.race([exchanged, deadline]);
    const excerpt = textExcerpt(response.bytes, storedExcerptBytes);
    return { ...judgeStatus(response.statusCode, response.retryAfter, now()), responseExcerpt: excerpt, durationMs: elapsed() };
  } catch (error) {
    if (abort.signal.aborted) return { ok: false, outcome: 'retry', error: `timed out after ${timeoutMs} ms`, durationMs: elapsed() };
    const refused = findRefusal(error);
    if (refused) return { ok: false, outcome: 'refused', error: refused.message, durationMs: elapsed() };
    return { ok: false, outcome: 'retry', error: describeError(error), durationMs: elapsed() };
  } finally {
    clearTimeout(timer);
    await agent.destroy();
  }
}

/** POSTs and reads at most `maxBytes` of the answer. undici's request() follows no redirects. */
async function exchange(url: string, headers: Record<string, string>, body: string, agent: Agent, signal: AbortSignal, maxBytes: number) {
  const response = await request(url, { method: 'POST', headers, body, dispatcher: agent, signal });
  const bytes = await readCappedBody(response.body, maxBytes);
  return { statusCode: response.statusCode, retryAfter: response.headers['retry-after'], bytes };
}

function judgeStatus(statusCode: number, retryAfter: string | string[] | undefined, now: Date): Omit<DeliveryResult, 'durationMs'> {
  if (statusCode >= 200 && statusCode < 300) return { ok: true, outcome: 'delivered', statusCode };
  // 410 Gone is the receiver saying the endpoint no longer exists: stop, don't retry for days.
  if (statusCode === 410) return { ok: false, outcome: 'disable', statusCode, error: 'receiver answered 410 Gone' };
  if (statusCode >= 300 && statusCode < 400) {
    return { ok: false, outcome: 'retry', statusCode, error: `receiver answered ${statusCode}; redirects are not followed` };
  }
  const retryAfterMs = THROTTLE_STATUSES.has(statusCode) ? parseRetryAfter(retryAfter, now) : undefined;
  return { ok: false, outcome: 'retry', statusCode, error: `receiver answered ${statusCode}`, ...(retryAfterMs !== undefined && { retryAfterMs }) };
}

/** The connect-time refusal, which undici may hand back wrapped. */
function findRefusal(error: unknown): RefusedAddressError | undefined {
  for (let current = error, depth = 0; current && depth < 5; current = (current as Error).cause, depth += 1) {
    if (current instanceof RefusedAddressError) return current;
  }
  return undefined;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return code ? `${code}: ${error.message}` : error.message;
}

