// A bound on how long something may take to answer: a provider that waits for a connection that is down (BullMQ on a
// dead Redis), a health probe. The work itself is not cancelled; its late outcome is ignored.

/** `promise`, or a rejection with `timeoutError()` after `ms`. The timer is cleared either way. */
export function withTimeout<T>(promise: Promise<T>, ms: number, timeoutError: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError()), ms);
  });
  // A late rejection of the work, after the timeout won, is not an unhandled one.
  promise.catch(() => {});
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
