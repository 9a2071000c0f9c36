import { getRuntime } from '@/runtime';
import { DashboardShell } from '../_components/dashboard-shell';
import { flashFrom } from '@/app/_lib/flash-message';
import type { SearchParams } from '../_lib/dashboard-page';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const metadata = { title: 'Sign in · Jobs dashboard', referrer: 'same-origin' };

/** GET /admin/jobs/sign-in: an admin signs in with an API key, or with email and password (POST /admin/jobs/session). */
export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const { config } = await getRuntime();
  const params = await searchParams;
  const configured = config.adminSessionSecret !== undefined;
  return (
    <DashboardShell title="Sign in to the jobs dashboard" error={configured ? flashFrom(config, params, 'error') : undefined} notice={flashFrom(config, params, 'notice')}>
      {!configured ? (
        <p className="banner banner-error" role="alert">
          The dashboard is not configured: set <code>ADMIN_SESSION_SECRET</code> (at least 32 characters) and restart
          the app to sign admins in.
        </p>
      ) : (
        <div className="sign-in">
          <form method="post" action="/admin/jobs/session" className="panel" aria-label="With an API key">
            <h2>With an admin API key</h2>
            <label>
              API key
              <input name="apiKey" type="password" autoComplete="off" required />
            </label>
            <button type="submit">Sign in with key</button>
          </form>
          <form method="post" action="/admin/jobs/session" className="panel" aria-label="With email and password">
            <h2>With email and password</h2>
            <label>
              Email
              <input name="email" type="email" autoComplete="username" required />
            </label>
            <label>
              Password
              <input name="password" type="password" autoComplete="current-password" required />
            </label>
            <button type="submit">Sign in</button>
          </form>
        </div>
      )}
      <p className="muted">Only users with the admin role can sign in (<code>npm run user:create -- --admin</code>).</p>
    </DashboardShell>
  );
}
