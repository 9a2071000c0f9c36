// BullMQ's Queue API waits for its connection to be ready before every command, with no bound: while Redis is down
// a dashboard page, /api/health/jobs or /api/cron/job-alerts never answered (an uptime checker saw a timeout, not
// the 503 the outage deserves, and the requests piled up). Everything the inspector and bull-board do first waits
// here, briefly, for the connection, and fails with StoreUnavailableError (503) if Redis does not come.
import type { Redis } from 'ioredis';
import { StoreUnavailableError } from '../../errors/store-unavailable-error';
import { withTimeout } from '../../with-timeout';

/** How long a request waits for a Redis connection that is not ready (a reconnect takes milliseconds). */
const READY_WAIT_MS = 2_000;

export const REDIS_DOWN = 'Redis is not answering: the BullMQ queues cannot be read or changed until it is back (GET /api/health says when)';

/** Resolves once `redis` is ready (at once, usually); rejects with StoreUnavailableError after READY_WAIT_MS. */
export async function redisReady(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  let onReady: (() => void) | undefined;
  try {
    await withTimeout(new Promise<void>((resolve) => redis.once('ready', (onReady = resolve))), READY_WAIT_MS, () => new StoreUnavailableError(REDIS_DOWN));
  } finally {
    if (onReady) redis.off('ready', onReady);
  }
}

/** `target` with every method first waiting for `redis()` (redisReady): for the JobInspector, whose methods are all async. */
export function gatedOnRedis<T extends object>(target: T, redis: () => Redis): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await redisReady(redis());
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}
