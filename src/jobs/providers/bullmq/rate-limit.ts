// rateLimit for BullMQ: BullMQ's limiter delays jobs (that is how throttle maps onto it) but never drops one, so
// admission happens at dispatch, against a sliding log per (definition, key) in Redis, the same rule the local
// provider applies in SQL: at most `limit` admissions in any window of `period`. One script call per job, atomic in
// Redis, on Redis's own clock, so every producer process sees one log.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

const ADMIT = `
  local clock = redis.call('TIME')
  local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
  local period = tonumber(ARGV[1])
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - period)
  if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], period)
  return 1`;

export interface RateLimitedDispatch {
  definitionId: string;
  rateKey: string;
  limit: number;
  periodMs: number;
}

/** For each job in order, whether it is admitted. */
export async function admitRateLimited(redis: Redis, prefix: string, jobs: readonly RateLimitedDispatch[]): Promise<boolean[]> {
  if (jobs.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const job of jobs) {
    pipeline.eval(ADMIT, 1, `${prefix}:${job.definitionId}:rate-limit:${job.rateKey}`, job.periodMs, job.limit, randomUUID());
  }
  const results = (await pipeline.exec()) ?? [];
  return results.map(([error, admitted]) => {
    if (error) throw error;
    return admitted === 1;
  });
}
