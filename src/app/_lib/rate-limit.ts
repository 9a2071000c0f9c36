// The rate limits a route applies, in one call: each [limit, subject] pair is counted in order and the first one
// used up answers 429 with Retry-After (through the error mapper). `ip` is the client address as TRUST_PROXY
// allows it to be known (src/limits/client-address.ts).
import { clientAddress } from '@/limits/client-address';
import type { LimitName } from '@/limits/rate-limits';
import type { Runtime } from '@/runtime';

export type LimitCheck = readonly [limit: LimitName, subject: string, points?: number];

export function requestAddress(request: Request, runtime: Runtime): string {
  return clientAddress(request.headers, runtime.config.trustedProxies);
}

export async function enforceLimits(runtime: Runtime, checks: readonly LimitCheck[]): Promise<void> {
  for (const [limit, subject, points] of checks) await runtime.limits.consume(limit, subject, points);
}
