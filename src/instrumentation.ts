// Next.js calls register() once per server process. On the Node.js runtime it starts Sentry (when SENTRY_DSN is
// set), opens (and for the embedded database, migrates) the database, and starts the in-process job server unless
// JOBS_SERVER_DISABLED=true.
import * as Sentry from '@sentry/nextjs';

export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  try {
    const [{ getConfig }, { sentryInitOptions }] = await Promise.all([import('./env'), import('./observability/sentry')]);
    const config = getConfig();
    const sentry = sentryInitOptions({ dsn: config.sentryDsn, environment: config.nodeEnv });
    // The dev server may call register() again after a reload: one client per process.
    if (sentry && !Sentry.getClient()) Sentry.init(sentry);
    const { startWebProcess } = await import('./start-web-process');
    await startWebProcess();
  } catch (error) {
    // Next logs a failed register() and then serves every request with a 500, health checks included: a process
    // that cannot start must exit instead, non-zero, so its supervisor sees it and the message is the last line.
    // (Imported here: this file is also compiled for the Edge runtime, which has no process.exit.)
    const { exitOnStartupFailure } = await import('./startup-failure');
    exitOnStartupFailure(error);
  }
}

// What a route or page throws past its handler (pages, server components, anything not caught by our wrappers,
// which report their own 500s): the SDK's documented hook. Without a client (no SENTRY_DSN) it does nothing.
export const onRequestError = Sentry.captureRequestError;
