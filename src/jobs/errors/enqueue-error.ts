/**
 * Whether a failed dispatch enqueued anything: `none` when the store refused it or was never reached; `unknown` when
 * it stopped answering mid-way (a timeout, a connection lost after the write was sent, some queues written already).
 */
export type EnqueueOutcome = 'none' | 'unknown';

/** The queue's store (PostgreSQL, Redis, Inngest) did not accept a dispatch. Maps to 503. */
export class EnqueueError extends Error {
  override readonly name = 'EnqueueError';
  readonly code = 'UNAVAILABLE' as const;
  /**
   * What an HTTP client is told: what happened to its request, not the store's address or the driver's message
   * (those are in `message`, for the log).
   */
  readonly publicMessage: string;

  constructor(
    store: string,
    count: number,
    cause: unknown,
    readonly outcome: EnqueueOutcome = 'none',
  ) {
    const what =
      outcome === 'none'
        ? 'nothing was enqueued'
        : 'some or all of them may still be enqueued (dispatching them again with the same `id` enqueues each at most once)';
    super(`Could not enqueue ${count} job(s): ${store} did not accept them (${rootMessage(cause)}); ${what}`, { cause });
    this.publicMessage =
      outcome === 'none'
        ? 'The job queue is unavailable; nothing was queued. Try again shortly.'
        : 'The job queue stopped answering; the request may or may not have been queued. Try again shortly.';
  }
}

/** The innermost cause's message: drivers and ORMs wrap the network error that says what actually happened. */
function rootMessage(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}

/**
 * A PostgreSQL write that failed: refused by the server (an SQLSTATE: its transaction did not commit), or never
 * sent (connection refused, unknown host, a server still starting: 57P03) is `none`. A connection lost after the
 * statement may have been sent (no code, ECONNRESET, SQLSTATE classes 08 and 57: the session was ended, perhaps
 * after the commit) is `unknown`.
 */
export function postgresWriteOutcome(error: unknown): EnqueueOutcome {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', '57P03'].includes(code)) return 'none';
    if (/^[0-9A-Z]{5}$/.test(code)) return /^(08|57)/.test(code) ? 'unknown' : 'none';
  }
  return 'unknown';
}

/**
 * A Redis write that failed: never sent (connection refused, unknown host, ioredis refusing a command while not
 * connected) is `none`; anything else (a connection closed after the command was sent, a reply lost) is `unknown`.
 */
export function redisWriteOutcome(error: unknown): EnqueueOutcome {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || /isn't writeable/.test(current.message)) return 'none';
  }
  return 'unknown';
}
