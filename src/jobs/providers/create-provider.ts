// Picks and builds the provider JOBS_PROVIDER names. The only place that knows every provider.
import type { Config } from '../../env';
import type { DatabaseHandle } from '../../db/client';
import type { JobLogger } from '../logger';
import type { JobRegistry } from '../registry';
import type { FailedJobReport } from '../failure-report';
import { LocalProvider } from './local/local-provider';
import type { JobProvider } from './types';
import type { InngestProviderOptions } from './inngest/inngest-provider';

export interface ProviderDeps {
  config: Config;
  database: DatabaseHandle;
  registry: JobRegistry;
  logger: JobLogger;
  onFailure(report: FailedJobReport): Promise<void>;
  /** Inngest client middleware (the app's Sentry middleware); the core passes it through unseen. */
  inngestMiddleware?: InngestProviderOptions['middleware'];
  waitUntil?: (promise: Promise<unknown>) => void;
}

export async function createProvider(deps: ProviderDeps): Promise<JobProvider> {
  const { config } = deps;
  switch (config.jobs.provider) {
    case 'local':
      return new LocalProvider({
        database: deps.database,
        registry: deps.registry,
        mode: config.jobs.mode,
        concurrency: config.jobs.concurrency,
        leaseMs: config.jobs.leaseMs,
        pollIntervalMs: config.jobs.pollIntervalMs,
        retentionDays: config.jobs.retentionDays,
        logger: deps.logger,
        onFailure: deps.onFailure,
        selfDispatch: config.jobs.signingSecret
          ? { baseUrl: config.internalWebappUrl, secret: config.jobs.signingSecret, waitUntil: deps.waitUntil }
          : undefined,
      });
    case 'bullmq': {
      const { BullmqProvider } = await import('./bullmq/bullmq-provider');
      return new BullmqProvider({
        redisUrl: config.redis.url!,
        prefix: config.redis.prefix,
        concurrency: config.redis.concurrency,
        database: deps.database,
        registry: deps.registry,
        logger: deps.logger,
        onFailure: deps.onFailure,
        lockDurationMs: config.jobs.leaseMs,
        retentionDays: config.jobs.retentionDays,
      });
    }
    case 'inngest': {
      const { InngestProvider } = await import('./inngest/inngest-provider');
      return new InngestProvider({
        appId: config.inngest.appId,
        eventKey: config.inngest.eventKey,
        signingKey: config.inngest.signingKey,
        baseUrl: config.inngest.baseUrl,
        isDev: config.inngest.isDev,
        serveOrigin: config.publicWebappUrl,
        registry: deps.registry,
        logger: deps.logger,
        onFailure: deps.onFailure,
        middleware: deps.inngestMiddleware,
      });
    }
  }
}
