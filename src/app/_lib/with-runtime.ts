// The base of every public route: the runtime, the awaited dynamic params, and errors mapped to HTTP by the one
// mapper (unknown errors become a logged 500). withApiKey builds on it; withCronSecret predates it.
import { loggedPath } from '@/observability/redact-tokens';
import { getRuntime, type Runtime } from '@/runtime';
import { errorResponse } from './error-response';
import { rejectUnsafeInput } from './read-body';

/** Dynamic segments: `[id]` is a string, `[...path]` a string array, `[[...path]]` possibly absent. */
export type RouteParams = Record<string, string | string[] | undefined>;

export interface RouteContext<Params extends RouteParams> {
  request: Request;
  runtime: Runtime;
  params: Params;
}

/** What Next.js calls: the request and `{ params }` as a promise (Next 15+). */
export type RouteHandler<Params extends RouteParams> = (request: Request, context: { params: Promise<Params> }) => Promise<Response>;

export function withRuntime<Params extends RouteParams = RouteParams>(
  handler: (context: RouteContext<Params>) => Promise<Response>,
): RouteHandler<Params> {
  return async (request, context) => {
    let runtime: Runtime | undefined;
    try {
      runtime = await getRuntime();
      const params = await context.params;
      // A path segment reaches SQL too (as an id or a token): the same NUL rule as for bodies.
      rejectUnsafeInput(params);
      return await handler({ request, runtime, params });
    } catch (error) {
      return errorResponse(error, (e) => runtime?.logger.error({ err: e, method: request.method, path: loggedPath(request) }, 'route failed'));
    }
  };
}
