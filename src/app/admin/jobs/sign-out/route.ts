import { z } from 'zod';
import { clearedSessionCookie } from '@/app/_lib/admin-session';
import { SIGN_IN_PATH, withDashboardForm } from '@/app/_lib/with-dashboard-form';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** POST /admin/jobs/sign-out (form): clears the session cookie, then 303 to the sign-in page. */
export const POST = withDashboardForm({ schema: z.object({}), back: () => SIGN_IN_PATH }, async ({ runtime }) => ({
  location: `${SIGN_IN_PATH}?notice=${encodeURIComponent('Signed out.')}`,
  setCookie: clearedSessionCookie(runtime.config),
}));
