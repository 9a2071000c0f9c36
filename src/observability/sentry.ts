// Sentry, when SENTRY_DSN is set. The SDK is started once per process with these options: by @sentry/nextjs in the
// web process (instrumentation.ts's register), by @sentry/node in `npm run worker` (plain Node, where
// @sentry/nextjs's CommonJS entry hides most of its exports from an ES import). Everything else captures through
// @sentry/core, the API both are built on, whose client and scopes live on globalThis: route and page bundles reach
// the client their instrumentation bundle created, as long as every copy is the same version (package.json pins it).
import { captureException, getClient, type Integration } from '@sentry/core';
import { redactError } from './redact-error';
import { redactTokens } from './redact-tokens';

export interface SentrySettings {
  dsn: string | undefined;
  environment: string;
}

/** What both SDKs' init() take; undefined when no DSN is configured (nothing is reported then). */
export function sentryInitOptions(settings: SentrySettings) {
  if (!settings.dsn) return undefined;
  return {
    dsn: settings.dsn,
    environment: settings.environment,
    // Dedupe drops an event identical to the previous one: two jobs failing with the same error would be reported
    // as one, and the second job would be invisible. Every job failure is its own event here.
    integrations: (defaults: Integration[]) => defaults.filter((integration) => integration.name !== 'Dedupe'),
    // The SDK attaches the request's URL (a signing link's token in /api/sign/<token>), breadcrumbs and more: every
    // token of ours in the event is redacted before it leaves the process. Events are rare (errors), the copy cheap.
    beforeSend: <Event>(event: Event): Event => withoutTokens(event),
    beforeSendTransaction: <Event>(event: Event): Event => withoutTokens(event),
  };
}

function withoutTokens<Event>(event: Event): Event {
  try {
    return JSON.parse(redactTokens(JSON.stringify(event))) as Event;
  } catch {
    // Not JSON (the SDK normalizes events before this, so not expected): send it without its request instead.
    return { ...event, request: undefined };
  }
}

export function isSentryEnabled(): boolean {
  return getClient() !== undefined;
}

/**
 * An error a route caught and answered with a 500: reported here, since it never reaches onRequestError. Redacted
 * as for the log: a failed query's parameters and echoed values never leave the process.
 */
export function captureRouteError(error: unknown): void {
  if (isSentryEnabled()) captureException(redactError(error));
}
