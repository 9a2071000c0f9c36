// What every signed-in dashboard page starts with: the runtime and the admin its session cookie names, or a
// redirect to the sign-in page (no cookie, a forged or expired one, a user no longer admin). Cached per request,
// so a page and its components read the session once.
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { ADMIN_SESSION_COOKIE } from '@/app/_lib/admin-session';
import { withFlash } from '@/app/_lib/flash-message';
import { SIGN_IN_PATH, sessionAdmin } from '@/app/_lib/with-dashboard-form';
import type { User } from '@/domain/users/create-user';
import { hasErrorCode } from '@/jobs/errors';
import { redactError } from '@/observability/redact-error';
import { getRuntime, type Runtime } from '@/runtime';

export interface DashboardSession {
  runtime: Runtime;
  admin: User;
}

export const requireDashboardSession = cache(async (): Promise<DashboardSession> => {
  const runtime = await getRuntime();
  const value = (await cookies()).get(ADMIN_SESSION_COOKIE)?.value;
  let admin: User | undefined;
  let refusal: string | undefined;
  try {
    admin = await sessionAdmin(runtime, value);
  } catch (error) {
    // Matched by code, not instanceof: pages and domain modules may live in different bundles.
    if (!['UNAUTHORIZED', 'FORBIDDEN', 'UNAVAILABLE'].some((code) => hasErrorCode(error, code))) throw redactError(error);
    refusal = value ? (error as Error).message : undefined;
  }
  // redirect() throws Next's own signal, so it stays outside the try.
  if (!admin) redirect(refusal ? withFlash(runtime.config, SIGN_IN_PATH, 'error', refusal) : SIGN_IN_PATH);
  return { runtime, admin };
});

/**
 * Runs a page's reads; a failure is rethrown without query parameters, because Next.js logs what a page throws
 * with console.error, past our logger.
 */
export async function load<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw redactError(error);
  }
}

/** One value of a page's search parameters (the first, when repeated). */
export function searchParam(params: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = params[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === '' ? undefined : first;
}

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** A search parameter that must be one of `choices`: the value, or an error naming the parameter when it is not. */
export function choiceParam<Choice extends string>(
  params: Record<string, string | string[] | undefined>,
  name: string,
  choices: readonly Choice[],
): { value?: Choice; error?: string } {
  const requested = searchParam(params, name);
  if (requested === undefined) return {};
  if ((choices as readonly string[]).includes(requested)) return { value: requested as Choice };
  return { error: `${name}: expected one of ${choices.join(', ')}` };
}
