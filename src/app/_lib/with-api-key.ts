// Guards the API: `Authorization: Bearer <API key>` (from `npm run user:create` or sign-up). A missing or wrong key
// is 401; what the handler then finds is scoped to `user`, so someone else's resources are 404s.
import type { User } from '@/domain/users/create-user';
import { authenticateApiKey } from '@/domain/users/authenticate-api-key';
import { withRuntime, type RouteContext, type RouteHandler, type RouteParams } from './with-runtime';

export function withApiKey<Params extends RouteParams = RouteParams>(
  handler: (context: RouteContext<Params> & { user: User }) => Promise<Response>,
): RouteHandler<Params> {
  return withRuntime<Params>(async (context) => {
    const user = await authenticateApiKey(context.runtime.database.db, bearerToken(context.request));
    return handler({ ...context, user });
  });
}

function bearerToken(request: Request): string {
  const header = request.headers.get('authorization') ?? '';
  return /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, '').trim() : '';
}
