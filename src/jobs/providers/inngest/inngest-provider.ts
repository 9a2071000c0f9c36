// The Inngest provider: dispatch sends events to Inngest (an event id dedupes for 24 h there); Inngest calls back
// into /api/inngest to run the functions built from our definitions. Nothing runs in-process on its own.
import { Inngest } from 'inngest';
import { toMilliseconds } from '../../duration';
import type { JobLogger } from '../../logger';
import type { JobRegistry } from '../../registry';
import type { FailedJobReport } from '../local/job-runner';
import type { DispatchOptions, EventToDispatch, JobProvider } from '../types';
import { toInngestFunction } from './to-inngest-function';

export interface InngestProviderOptions {
  appId: string;
  eventKey?: string;
  signingKey?: string;
  baseUrl?: string;
  isDev: boolean;
  registry: JobRegistry;
  logger: JobLogger;
  onFailure(report: FailedJobReport): Promise<void>;
}

export class InngestProvider implements JobProvider {
  readonly name = 'inngest' as const;
  readonly supportsTransactionalDispatch = false;
  readonly client: Inngest.Any;
  /** Served by /api/inngest (src/app/api/inngest/route.ts) with the SDK's Next.js adapter. */
  readonly functions: ReturnType<typeof toInngestFunction>[];

  constructor(private readonly options: InngestProviderOptions) {
    this.client = new Inngest({
      id: options.appId,
      eventKey: options.eventKey,
      signingKey: options.signingKey,
      baseUrl: options.baseUrl,
      isDev: options.isDev,
    });
    this.functions = options.registry.definitions.map((definition) =>
      toInngestFunction(this.client, definition, { registry: options.registry, logger: options.logger, onFailure: options.onFailure }),
    );
  }

  async dispatch(events: readonly EventToDispatch[], options: Omit<DispatchOptions, 'id'>): Promise<string[]> {
    if (options.tx) throw new Error('dispatch({ tx }) needs JOBS_PROVIDER=local: Inngest cannot enqueue inside a database transaction');
    // An event with a future timestamp is Inngest's way to run its functions later.
    const ts = options.delay === undefined ? undefined : Date.now() + toMilliseconds(options.delay);
    const result = await this.client.send(
      events.map((event) => ({ name: event.name, data: event.data as Record<string, unknown>, id: event.id, ts })),
    );
    return events.map((event, index) => event.id ?? result.ids[index] ?? '');
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}
}
