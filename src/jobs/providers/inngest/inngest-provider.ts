// The Inngest provider: dispatch sends events to Inngest (an event id dedupes for 24 h there); Inngest calls back
// into /api/inngest to run the functions built from our definitions. Nothing runs in-process on its own.
import { Inngest, type Middleware } from 'inngest';
import { serve } from 'inngest/edge';
import { toMilliseconds } from '../../duration';
import { EnqueueError } from '../../errors';
import type { FailedJobReport } from '../../failure-report';
import { newEventId } from '../../fan-out';
import type { JobLogger } from '../../logger';
import type { JobRegistry } from '../../registry';
import type { DispatchOptions, EventToDispatch, HttpHandler, JobProvider, ProviderReadiness } from '../types';
import { DISPATCH_PRIORITY_FIELD, toInngestFunction } from './to-inngest-function';

export interface InngestProviderOptions {
  appId: string;
  eventKey?: string;
  signingKey?: string;
  baseUrl?: string;
  isDev: boolean;
  /** The app's own origin as Inngest reaches it (PUBLIC_WEBAPP_URL): the only URL a sync registers. */
  serveOrigin: string;
  registry: JobRegistry;
  logger: JobLogger;
  onFailure(report: FailedJobReport): Promise<void>;
  /** Client middleware, e.g. @inngest/middleware-sentry, which the app passes in when Sentry is on. */
  middleware?: Middleware.Class[];
}

export const INNGEST_SERVE_PATH = '/api/inngest';

export class InngestProvider implements JobProvider {
  readonly name = 'inngest' as const;
  readonly supportsTransactionalDispatch = false;
  readonly client: Inngest.Any;
  readonly functions: ReturnType<typeof toInngestFunction>[];
  /**
   * What /api/inngest hands every request to. The SDK's web-standard (`edge`) handler, so the provider needs no
   * Next.js. Two settings close a hole: with the origin fixed, a sync registers our configured URL, never one built
   * from the request's Host header; and in cloud mode an unsigned sync (PUT) is refused, so nobody but Inngest can
   * make the app re-register with our signing key.
   */
  readonly inngestEndpoint: HttpHandler;
  /** Inngest keeps runs in its own cloud (or dev server): operators look there, not at our inspector. */
  readonly externalDashboardUrl: string;

  constructor(private readonly options: InngestProviderOptions) {
    // The dev server's UI is at its base URL; the cloud dashboard lists an app's functions and runs by app id
    // (in the production environment; branch environments have their own slug in the same place).
    this.externalDashboardUrl = options.isDev
      ? `${options.baseUrl ?? 'http://127.0.0.1:8288'}/runs`
      : `https://app.inngest.com/env/production/apps/${encodeURIComponent(options.appId)}`;
    this.client = new Inngest({
      id: options.appId,
      eventKey: options.eventKey,
      signingKey: options.signingKey,
      baseUrl: options.baseUrl,
      isDev: options.isDev,
      middleware: options.middleware ?? [],
    });
    this.functions = options.registry.definitions.map((definition) =>
      toInngestFunction(this.client, definition, { registry: options.registry, logger: options.logger, onFailure: options.onFailure }),
    );
    this.inngestEndpoint = serve({
      client: this.client,
      functions: this.functions,
      serveOrigin: options.serveOrigin,
      servePath: INNGEST_SERVE_PATH,
      enableUnauthedSync: false,
    });
  }

  async dispatch(events: readonly EventToDispatch[], options: Omit<DispatchOptions, 'id'>): Promise<string[]> {
    if (options.tx) throw new Error('dispatch({ tx }) needs JOBS_PROVIDER=local: Inngest cannot enqueue inside a database transaction');
    // An event with a future timestamp is Inngest's way to run its functions later.
    const ts = options.delay === undefined ? undefined : Date.now() + toMilliseconds(options.delay);
    // Every event carries an id, ours when none was given, so handlers see the same event.id as on other providers.
    const payloads = events.map((event) => ({ name: event.name, data: withPriority(event.data, options.priority), id: event.id ?? newEventId(), ts }));
    await this.client.send(payloads).catch((error: unknown) => {
      // The SDK retries before it gives up, and cannot say whether a lost answer's events were taken: `unknown`. Each
      // event carries its id, so sending them again enqueues each at most once (Inngest deduplicates ids for 24 h).
      throw new EnqueueError('Inngest', payloads.length, error, 'unknown');
    });
    return payloads.map((payload) => payload.id);
  }

  async checkReadiness(): Promise<ProviderReadiness> {
    if (this.options.isDev) return { ready: true, detail: 'Inngest dev mode: signatures are not checked' };
    const missing = [!this.options.signingKey && 'INNGEST_SIGNING_KEY', !this.options.eventKey && 'INNGEST_EVENT_KEY'].filter(Boolean);
    if (missing.length) return { ready: false, detail: `Inngest cloud mode needs ${missing.join(' and ')}` };
    return { ready: true, detail: `Inngest cloud mode; functions served at ${INNGEST_SERVE_PATH}` };
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}
}

function withPriority(data: unknown, priority: number | undefined): Record<string, unknown> {
  const record = data as Record<string, unknown>;
  return priority === undefined ? record : { ...record, [DISPATCH_PRIORITY_FIELD]: priority };
}
