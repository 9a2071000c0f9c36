// Guards admin surfaces (bull-board, /api/health/jobs): an admin's API key, as `Authorization: Bearer <key>` or as
// the password of HTTP Basic auth (so a browser can open the page: it prompts on the 401), or the session cookie of
// an admin signed in to /admin/jobs. Non-admins get 403. Outside production the surfaces are open, so `npm run dev`
// shows them without setup.
import { ForbiddenError, UnauthorizedError } from '@/domain/errors';
import { authenticateApiKey } from '@/domain/users/authenticate-api-key';
import { errorResponse } from './error-response';
import { presentedApiKey } from './presented-api-key';
import { isSameOrigin, requestSession, sessionAdmin } from './with-dashboard-form';
import { withRuntime, type RouteContext, type RouteHandler, type RouteParams } from './with-runtime';

export function withAdmin<Params extends RouteParams = RouteParams>(handler: (context: RouteContext<Params>) => Promise<Response>): RouteHandler<Params> {
  return withRuntime<Params>(async (context) => (await refuseNonAdmin(context.runtime, context.request)) ?? handler(context));
}

/** The admin check itself, for guards that accept admins among others: a 401/403 response, or undefined for an admin. */
export async function refuseNonAdmin(runtime: RouteContext<RouteParams>['runtime'], request: Request): Promise<Response | undefined> {
  if (!runtime.config.isProduction) return undefined;
  try {
    const session = request.headers.get('authorization') ? undefined : requestSession(request);
    if (session !== undefined) {
      // The cookie is SameSite=Strict; a state-changing request must also name this app as its Origin (CSRF).
      if (!SAFE_METHODS.has(request.method) && !isSameOrigin(request, runtime)) throw new ForbiddenError('Cross-origin request refused');
      await sessionAdmin(runtime, session);
      return undefined;
    }
    // A browser resends cached Basic credentials on any request to this host, a cross-site form's included: a
    // state-changing request from another site's page is refused as with the cookie. A client that is not a
    // browser (curl, a script) sends no Origin and is not affected.
    if (!SAFE_METHODS.has(request.method) && isFromAnotherSite(request, runtime)) throw new ForbiddenError('Cross-origin request refused');
    const user = await authenticateApiKey(runtime.database.db, presentedKey(request));
    if (user.role !== 'ADMIN') throw new ForbiddenError('Admins only');
    return undefined;
  } catch (error) {
    const response = errorResponse(error);
    if (response.status === 401) response.headers.set('www-authenticate', 'Basic realm="signing-jobs admin", charset="UTF-8"');
    return response;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** Sent by a browser from a page of another origin: a foreign or opaque (`null`) Origin, or Sec-Fetch-Site saying so. */
function isFromAnotherSite(request: Request, runtime: RouteContext<RouteParams>['runtime']): boolean {
  const fetchSite = request.headers.get('sec-fetch-site');
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') return true;
  return request.headers.has('origin') && !isSameOrigin(request, runtime);
}

function presentedKey(request: Request): string {
  const key = presentedApiKey(request.headers.get('authorization'));
  if (!key) throw new UnauthorizedError('Admins only: sign in with an admin API key');
  return key;
}
