// The limits every password sign-in counts against (POST /api/auth/signin, the dashboard's sign-in form): per client
// address, per account at that address, per account across all addresses (src/limits/rate-limits.ts says why).
import type { Runtime } from '@/runtime';
import { requestAddress, type LimitCheck } from './rate-limit';

export function signInLimits(request: Request, runtime: Runtime, email: string | undefined): LimitCheck[] {
  const address = requestAddress(request, runtime);
  const checks: LimitCheck[] = [['signin-per-ip', address]];
  if (email === undefined) return checks;
  const account = email.trim().toLowerCase();
  // One subject for the pair; the rate limiter stores a digest of it (no address or email in the store).
  return [...checks, ['signin-per-email-ip', `${account} ${address}`], ['signin-per-email', account]];
}
