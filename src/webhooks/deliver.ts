// One webhook delivery attempt: sign, POST through an agent that refuses private addresses at connect time,
// read a capped slice of the answer, and say what the caller should do next. Never throws for the receiver's
// behaviour; the outcome carries it.
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { webhookUrlRefusalReason, RefusedAddressError } from './address-guard';
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
  const policy = { allowPrivate: options.allowPrivate };
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);

  // The lookup hook never sees literal IPs (net.connect skips DNS for them), so they are judged here.
  const refusal = webhookUrlRefusalReason(message.url, policy);
  if (refusal) return { ok: false, outcome: 'refused', error: refusal, durationMs: elapsed() };

  const body = webhookBody(message.event, message.payload, message.occurredAt);
  const headers = signWebhook({ secret: message.secret, messageId: message.messageId, timestamp: now(), body });
  // One agent per attempt: its lookup carries this attempt's policy, and destroying it kills any socket a
  // hung receiver still holds.
  const agent = new Agent({ connect: { lookup: createGuardedLookup(policy, options.resolve) } });
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  try {
    // undici's request() follows no redirects: a 3xx comes back as a failure, its Location never fetched.
    const response = await request(message.url, {
      method: 'POST',
      headers: { ...headers, 'user-agent': USER_AGENT },
      body,
      dispatcher: agent,
      signal: abort.signal,
    });
    const bytes = await readCappedBody(response.body, maxResponseBytes);
    const excerpt = textExcerpt(bytes, storedExcerptBytes);
    return { ...judgeStatus(response.statusCode, response.headers['retry-after'], now()), responseExcerpt: excerpt, durationMs: elapsed() };
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

