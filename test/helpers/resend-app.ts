// The app with email going through the real `resend` SDK to the fake Resend API. RESEND_BASE_URL is in place
// before the job dependencies (and so the SDK client) are built.
import { startApp, type AppHarness, type AppOptions } from './app-harness';
import { startFakeResend, type FakeResend } from './fake-resend';

export async function startAppWithResend(options: AppOptions = {}): Promise<{ app: AppHarness; resend: FakeResend; close(): Promise<void> }> {
  const resend = await startFakeResend();
  const app = await startApp({ ...options, env: { RESEND_API_KEY: 're_test_key', RESEND_BASE_URL: resend.url, ...options.env } });
  return {
    app,
    resend,
    async close() {
      await app.close();
      await resend.close();
    },
  };
}

/** Emails Resend accepted for an address, in order. */
export function deliveredTo(resend: FakeResend, to: string) {
  return resend.delivered.filter((email) => (Array.isArray(email.to) ? email.to.includes(to) : email.to === to));
}
