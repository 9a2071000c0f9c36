import { z } from 'zod';
import { withFlash } from '@/app/_lib/flash-message';
import { clearedSessionCookie, verifyAdminSession } from '@/app/_lib/admin-session';
import { requestSession, SIGN_IN_PATH, withDashboardForm } from '@/app/_lib/with-dashboard-form';
import { revokeAdminSessions } from '@/domain/admin/authenticate-admin';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * POST /admin/jobs/sign-out (form): ends every session of the signed-in admin issued until now (a copy of the
 * cookie elsewhere included), clears the cookie, then 303 to the sign-in page. Without a valid session it only
 * clears the cookie.
 */
export const POST = withDashboardForm({ schema: z.object({}), back: () => SIGN_IN_PATH }, async ({ request, runtime }) => {
  const session = verifyAdminSession(runtime.config, requestSession(request));
  if (session) await revokeAdminSessions(runtime.database.db, session.userId);
  return { location: withFlash(runtime.config, SIGN_IN_PATH, 'notice', 'Signed out.'), setCookie: clearedSessionCookie(runtime.config) };
});
