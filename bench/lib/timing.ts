// Clocks and bounded waits. Every wait in the bench goes through withTimeout, Countdown.wait or waitUntilReached,
// so a stuck library fails the run with a message naming what it was waiting for instead of hanging it.

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across the producer and the handler. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** `promise`, or a TimeoutError naming `what` after `ms`. The timer is cleared either way. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what}: no result within ${formatSeconds(ms)}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Counts jobs seen by a handler towards a target; wait() fails on a deadline or when progress stalls. */
export class Countdown {
  readonly target: number;
  #count = 0;
  #lastProgressAt = performance.now();
  #resolve: () => void = () => {};
  readonly #done: Promise<void>;

  constructor(target: number) {
    this.target = target;
    this.#done = new Promise((resolve) => (this.#resolve = resolve));
    if (target <= 0) this.#resolve();
  }

  get count(): number {
    return this.#count;
  }

  tick(): void {
    this.#count += 1;
    this.#lastProgressAt = performance.now();
    if (this.#count === this.target) this.#resolve();
  }

  /**
   * Resolves when the count reaches the target. Rejects after `timeoutMs` overall, or after `stallMs` without a
   * single tick (a stuck worker shows up in seconds, not at the end of a long deadline).
   */
  async wait(options: { what: string; timeoutMs: number; stallMs: number }): Promise<void> {
    const startedAt = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const watchdog = new Promise<never>((_, reject) => {
      timer = setInterval(() => {
        const at = performance.now();
        const progress = `${this.#count} of ${this.target}`;
        if (at - startedAt > options.timeoutMs) {
          reject(new TimeoutError(`${options.what}: only ${progress} within ${formatSeconds(options.timeoutMs)}`));
        } else if (at - this.#lastProgressAt > options.stallMs) {
          reject(new TimeoutError(`${options.what}: stalled at ${progress}, none for ${formatSeconds(options.stallMs)}`));
        }
      }, 250);
    });
    try {
      await Promise.race([this.#done, watchdog]);
    } finally {
      clearInterval(timer);
    }
  }
}

/**
 * Polls `read` (e.g. a system's count of finished jobs) every `pollMs`, one read at a time, until it returns at
 * least `target`. Rejects after `timeoutMs` overall, or after `stallMs` without the value growing; a read that
 * hangs is cut off at whichever of the two comes first, with the same message.
 */
export async function waitUntilReached(
  read: () => Promise<number>,
  options: { target: number; what: string; timeoutMs: number; stallMs: number; pollMs: number },
): Promise<void> {
  const { target, what, timeoutMs, stallMs } = options;
  const startedAt = performance.now();
  let lastProgressAt = startedAt;
  let value: number | undefined;
  const deadline = (): number => Math.min(startedAt + timeoutMs, lastProgressAt + stallMs);
  const failure = (note = ''): TimeoutError => {
    const progress = `${value ?? 'no answer'} of ${target}`;
    return startedAt + timeoutMs <= lastProgressAt + stallMs
      ? new TimeoutError(`${what}: only ${progress} within ${formatSeconds(timeoutMs)}${note}`)
      : new TimeoutError(`${what}: stalled at ${progress}, no change for ${formatSeconds(stallMs)}${note}`);
  };
  for (;;) {
    if (performance.now() >= deadline()) throw failure();
    let timer: NodeJS.Timeout | undefined;
    const cutOff = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(failure(' (the last read of the count did not answer)')), deadline() - performance.now());
    });
    let current: number;
    try {
      current = await Promise.race([read(), cutOff]);
    } finally {
      clearTimeout(timer);
    }
    if (value === undefined || current > value) {
      value = current;
      lastProgressAt = performance.now();
    }
    if (value >= target) return;
    await sleep(options.pollMs);
  }
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
