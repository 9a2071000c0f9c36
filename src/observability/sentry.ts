// Sentry, when SENTRY_DSN is set: initialized once per process (the web process from instrumentation.ts's
// register, `npm run worker` at start). Everything else only captures through the SDK's global client, which the
// SDK keeps on globalThis, so route and page bundles reach the client their instrumentation bundle created.
import * as Sentry from '@sentry/nextjs';
import { redactError } from './redact-error';

export interface SentrySettings {
  dsn: string | undefined;
  environment: string;
}

/** Starts the SDK; false when no DSN is configured (nothing is reported then). */
export function initSentry(settings: SentrySettings): boolean {
  if (!settings.dsn) return false;
  if (Sentry.getClient()) return true;
  Sentry.init({
    dsn: settings.dsn,
    environment: settings.environment,
    // Dedupe drops an event identical to the previous one: two jobs failing with the same error would be reported
    // as one, and the second job would be invisible. Every job failure is its own event here.
    integrations: (defaults) => defaults.filter((integration) => integration.name !== 'Dedupe'),
  });
  return true;
}

export function isSentryEnabled(): boolean {
  return Sentry.getClient() !== undefined;
}

/**
 * An error a route caught and answered with a 500: reported here, since it never reaches onRequestError. Redacted
 * as for the log: a failed query's parameters and echoed values never leave the process.
 */
export function captureRouteError(error: unknown): void {
  if (isSentryEnabled()) Sentry.captureException(redactError(error));
}
