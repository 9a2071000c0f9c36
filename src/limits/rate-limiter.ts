// Counts requests against RATE_LIMITS with rate-limiter-flexible. The counters live where every instance sees
// them: in PostgreSQL (or the embedded PGlite) through the library's Drizzle store on our own `Database`, so the
// same code serves node-postgres, PGlite and @vercel/postgres; in Redis when BullMQ runs (a round trip cheaper than
// a PostgreSQL upsert), with an in-memory insurance limiter that keeps limiting per process while Redis is down.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimiterDrizzle, RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract, type RateLimiterRes } from 'rate-limiter-flexible';
import type { Database } from '../db/client';
import { rateLimits } from '../db/schema';
import { TooManyRequestsError } from '../domain/errors';
import { RATE_LIMITS, type LimitName } from './rate-limits';

export interface RateLimiter {
  /** Counts `points` against `limit` for `subject`; throws TooManyRequestsError (429) once the window is used up. */
  consume(limit: LimitName, subject: string, points?: number): Promise<void>;
  close(): Promise<void>;
}

export type RateLimitStore = { kind: 'database'; db: Database } | { kind: 'redis'; client: Redis; prefix: string };

export function createRateLimiter(store: RateLimitStore): RateLimiter {
  const limiters = new Map<LimitName, RateLimiterAbstract>();
  const limiterFor = (limit: LimitName): RateLimiterAbstract => {
    let limiter = limiters.get(limit);
    if (!limiter) {
      limiter = build(store, limit);
      limiters.set(limit, limiter);
    }
    return limiter;
  };
  return {
    async consume(limit, subject, points = 1) {
      try {
        await limiterFor(limit).consume(subjectKey(subject), points);
      } catch (rejection) {
        // The library rejects with a RateLimiterRes when the limit is hit, and with the store's error otherwise.
        if (!isLimitReached(rejection)) throw rejection;
        const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw new TooManyRequestsError(`Too many requests (${limit}); try again in ${retryAfterSeconds} s`, retryAfterSeconds);
      }
    },
    async close() {
      if (store.kind === 'redis') await store.client.quit().catch(() => store.client.disconnect());
    },
  };
}

function build(store: RateLimitStore, limit: LimitName): RateLimiterAbstract {
  const { points, durationSeconds: duration } = RATE_LIMITS[limit];
  if (store.kind === 'redis') {
    return new RateLimiterRedis({
      storeClient: store.client,
      keyPrefix: `${store.prefix}:rate-limit:${limit}`,
      points,
      duration,
      // Fail over to the insurance limiter at once rather than queue behind a reconnecting client.
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: `insurance:${limit}`, points, duration }),
    });
  }
  return new RateLimiterDrizzle({ storeClient: store.db, schema: rateLimits, keyPrefix: limit, points, duration });
}

/**
 * Subjects are hashed before they become keys: some are secrets (signing tokens) and the others personal data
 * (addresses), neither of which belongs in a table of counters.
 */
function subjectKey(subject: string): string {
  return createHash('sha256').update(subject).digest('base64url').slice(0, 32);
}

/** The library's "limit reached" rejection: a RateLimiterRes, not an Error (recognised by shape, not class). */
function isLimitReached(rejection: unknown): rejection is RateLimiterRes {
  return typeof rejection === 'object' && rejection !== null && !(rejection instanceof Error) && typeof (rejection as RateLimiterRes).msBeforeNext === 'number';
}
