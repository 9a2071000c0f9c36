// The wrapper of the dashboard's form posts (sign-in, sign-out, job actions). CSRF: the session cookie is
// SameSite=Strict, so no cross-site request carries it, and on top of that every post must come with an Origin
// header naming this app (browsers send it on every POST); anything else is a 403 before the body is read.
// A browser's form post (Accept: text/html) gets a 303 to a page, which shows the outcome or the error; any other
// client gets the JSON answer of the API routes (400 naming the field, 401, 403, 404, 409).
import { loggedPath } from '@/observability/redact-tokens';
import type { z } from 'zod';
import { ForbiddenError, UnauthorizedError } from '@/domain/errors';
import { findAdmin } from '@/domain/admin/authenticate-admin';
import type { User } from '@/domain/users/create-user';
import { getRuntime, type Runtime } from '@/runtime';
import { verifyAdminSession, sessionFromCookieHeader } from './admin-session';
import { errorResponse } from './error-response';
import { withFlash } from './flash-message';
import { rejectUnsafeInput } from './read-body';
import { readForm } from './read-form';
import type { RouteHandler, RouteParams } from './with-runtime';

export const SIGN_IN_PATH = '/admin/jobs/sign-in';

export interface DashboardFormContext<Params, Input> {
  request: Request;
  runtime: Runtime;
  params: Params;
  input: Input;
}

export interface DashboardFormResult {
  /** Where the browser goes next (303). */
  location: string;
  setCookie?: string;
}

/** Whether the request's Origin is this app: PUBLIC_WEBAPP_URL's origin, or the host the request was sent to. */
export function isSameOrigin(request: Request, runtime: Runtime): boolean {
  const origin = request.headers.get('origin');
  if (!origin || origin === 'null') return false;
  if (origin === new URL(runtime.config.publicWebappUrl).origin) return true;
  try {
    return new URL(origin).host === request.headers.get('host');
  } catch {
    return false;
  }
}

/** The admin a request's session cookie names: 401 without a valid one, 403 when that user is no longer an admin. */
export async function sessionAdmin(runtime: Runtime, cookieValue: string | undefined): Promise<User> {
  const session = verifyAdminSession(runtime.config, cookieValue);
  if (!session) throw new UnauthorizedError('Sign in to use the jobs dashboard');
  return findAdmin(runtime.database.db, session);
}

export function withDashboardForm<Params extends RouteParams, Schema extends z.ZodType>(
  options: { schema: Schema; /** The page an error is shown on. */ back: (params: Params) => string },
  handler: (context: DashboardFormContext<Params, z.output<Schema>>) => Promise<DashboardFormResult>,
): RouteHandler<Params> {
  return async (request, context) => {
    const wantsPage = (request.headers.get('accept') ?? '').includes('text/html');
    // A static route's params resolve to nothing.
    const params = ((await context.params) ?? {}) as Params;
    let runtime: Runtime | undefined;
    try {
      runtime = await getRuntime();
      rejectUnsafeInput(params);
      // Answered as is, even to a browser: the page that posted is not ours to send anyone back to.
      if (!isSameOrigin(request, runtime)) return errorResponse(new ForbiddenError('Cross-origin request refused'));
      const input = await readForm(request, options.schema);
      const result = await handler({ request, runtime, params, input });
      const headers = new Headers({ location: result.location });
      if (result.setCookie) headers.set('set-cookie', result.setCookie);
      return new Response(null, { status: 303, headers });
    } catch (error) {
      const response = errorResponse(error, (e) => runtime?.logger.error({ err: e, method: request.method, path: loggedPath(request) }, 'dashboard action failed'));
      if (!wantsPage || response.status === 500) return response;
      const body = (await response.json()) as { error: string; issues?: Array<{ path: string; message: string }> };
      const message = [body.error, ...(body.issues ?? []).map((issue) => `${issue.path}: ${issue.message}`)].join('; ');
      const page = response.status === 401 ? SIGN_IN_PATH : options.back(params);
      return new Response(null, { status: 303, headers: { location: runtime ? withFlash(runtime.config, page, 'error', message) : page } });
    }
  };
}

/** The session cookie value of a request. */
export const requestSession = (request: Request) => sessionFromCookieHeader(request.headers.get('cookie'));
