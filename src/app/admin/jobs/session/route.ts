import { z } from 'zod';
import { sessionCookie, sessionSecret, signAdminSession } from '@/app/_lib/admin-session';
import { emailField } from '@/app/_lib/fields';
import { enforceLimits } from '@/app/_lib/rate-limit';
import { signInLimits } from '@/app/_lib/sign-in-limits';
import { SIGN_IN_PATH, withDashboardForm } from '@/app/_lib/with-dashboard-form';
import { authenticateAdmin, type AdminCredentials } from '@/domain/admin/authenticate-admin';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// Either an API key, or email and password: the two forms of the sign-in page. A missing field is named.
const credentials = z
  .object({ apiKey: z.string().max(256).optional(), email: emailField.optional(), password: z.string().max(256).optional() })
  .superRefine((value, ctx) => {
    if (value.apiKey) return;
    if (!value.email) ctx.addIssue({ code: 'custom', path: ['email'], message: 'required, unless an apiKey is given' });
    if (!value.password) ctx.addIssue({ code: 'custom', path: ['password'], message: 'required, unless an apiKey is given' });
  })
  .transform((value): AdminCredentials => (value.apiKey ? { apiKey: value.apiKey } : { email: value.email ?? '', password: value.password ?? '' }));

/**
 * POST /admin/jobs/session (form): signs an admin in and sets the session cookie, then 303 to /admin/jobs.
 * Wrong credentials 401, a non-admin 403, both shown on the sign-in page to a browser. Counted against the same
 * limits as POST /api/auth/signin (sign-in-limits.ts).
 */
export const POST = withDashboardForm({ schema: credentials, back: () => SIGN_IN_PATH }, async ({ request, runtime, input }) => {
  // Unconfigured is said before any credential is looked at (and before it counts against the limits).
  sessionSecret(runtime.config);
  await enforceLimits(runtime, signInLimits(request, runtime, 'email' in input ? input.email : undefined));
  const admin = await authenticateAdmin(runtime.database.db, input);
  runtime.logger.info({ userId: admin.id }, 'admin signed in to the jobs dashboard');
  return { location: '/admin/jobs', setCookie: sessionCookie(runtime.config, signAdminSession(runtime.config, admin.id)) };
});
