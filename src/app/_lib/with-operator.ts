// Guards operators' read-only views (/api/health/jobs): an uptime checker presenting `Authorization: Bearer
// $CRON_SECRET` (constant time), or an admin as withAdmin recognises one. refuseNonAdmin is the one place an admin
// is recognised (an admin API key today); the dashboard's admin session cookie belongs there, and this guard
// accepts it with no change here.
import { presentsCronSecret } from './with-cron-secret';
import { refuseNonAdmin } from './with-admin';
import { withRuntime, type RouteContext, type RouteHandler, type RouteParams } from './with-runtime';

export function withOperator<Params extends RouteParams = RouteParams>(handler: (context: RouteContext<Params>) => Promise<Response>): RouteHandler<Params> {
  return withRuntime<Params>(async (context) => {
    if (presentsCronSecret(context.request, context.runtime.config.cronSecret)) return handler(context);
    return (await refuseNonAdmin(context.runtime, context.request)) ?? handler(context);
  });
}
