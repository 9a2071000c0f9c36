// Guards /api/cron/*: `Authorization: Bearer $CRON_SECRET`, compared in constant time. Vercel Cron calls with GET;
// people and schedulers may POST. With CRON_SECRET unset the endpoints refuse in production (never open); in
// development they are open so `curl` works without setup.
import { loggedPath } from '@/observability/redact-tokens';
import { UnauthorizedError, UnavailableError } from '@/domain/errors';
import { getRuntime, type Runtime } from '@/runtime';
import { errorResponse } from './error-response';
import { secretsMatch } from './secrets';

export function withCronSecret(handler: (context: { request: Request; runtime: Runtime }) => Promise<Response>) {
  return async (request: Request): Promise<Response> => {
    let runtime: Runtime | undefined;
    try {
      runtime = await getRuntime();
      authorize(request, runtime);
      return await handler({ request, runtime });
    } catch (error) {
      return errorResponse(error, (e) => runtime?.logger.error({ err: e, path: loggedPath(request) }, 'cron route failed'));
    }
  };
}

function authorize(request: Request, runtime: Runtime): void {
  const secret = runtime.config.cronSecret;
  if (!secret) {
    if (runtime.config.isProduction) throw new UnavailableError('CRON_SECRET is not set; cron endpoints are disabled');
    return;
  }
  if (!presentsCronSecret(request, secret)) throw new UnauthorizedError('Missing or wrong Authorization: Bearer <CRON_SECRET>');
}

/** Whether the request carries `Authorization: Bearer <secret>`, compared in constant time. */
export function presentsCronSecret(request: Request, secret: string | undefined): boolean {
  const header = request.headers.get('authorization') ?? '';
  const presented = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
  return Boolean(secret && presented) && secretsMatch(presented, secret!);
}
