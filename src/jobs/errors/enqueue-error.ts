/** The queue's store (PostgreSQL, Redis, Inngest) did not accept a dispatch; nothing was enqueued. Maps to 503. */
export class EnqueueError extends Error {
  override readonly name = 'EnqueueError';
  readonly code = 'UNAVAILABLE' as const;

  constructor(store: string, count: number, cause: unknown) {
    super(`Could not enqueue ${count} job(s): ${store} did not accept them (${rootMessage(cause)}); nothing was enqueued`, { cause });
  }
}

/** The innermost cause's message: drivers and ORMs wrap the network error that says what actually happened. */
function rootMessage(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
