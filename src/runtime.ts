// The process-wide objects built from config: database, logger, job registry, provider and client.
// Kept on globalThis because Next's dev server re-evaluates modules on reload and must not reopen the database.
import { waitUntil } from '@vercel/functions';
import { getConfig, type Config } from './env';
import { openDatabase, type DatabaseHandle } from './db/client';
import { writeSystemLog } from './domain/logs/write-system-log';
import { JobClient } from './jobs/client';
import { appDefinitions, createJobDeps } from './jobs/definitions';
import { appEvents, type AppEventCatalog } from './jobs/events';
import { createProvider } from './jobs/providers/create-provider';
import type { JobProvider } from './jobs/providers/types';
import { JobRegistry } from './jobs/registry';
import { SentryMiddleware } from '@inngest/middleware-sentry';
import { reportJobFailureToSentry } from './observability/job-failure-hook';
import { createLogger, type Logger } from './observability/logger';
import { cronSchedules, type JobHealthSources } from './observability/read-job-health';
import { createRateLimiter, type RateLimiter } from './limits/rate-limiter';

export interface Runtime {
  readonly config: Config;
  readonly database: DatabaseHandle;
  readonly logger: Logger;
  readonly registry: JobRegistry;
  readonly provider: JobProvider;
  readonly jobs: JobClient<AppEventCatalog>;
  /** The rate limits of the public routes (src/limits/). */
  readonly limits: RateLimiter;
}

const holder = globalThis as { __runtime?: Promise<Runtime> };

export function getRuntime(): Promise<Runtime> {
  if (!holder.__runtime) {
    holder.__runtime = createRuntime(getConfig());
    holder.__runtime.catch(() => (holder.__runtime = undefined));
  }
  return holder.__runtime;
}

async function createRuntime(config: Config): Promise<Runtime> {
  const logger = createLogger(config.logLevel, { pretty: config.nodeEnv === 'development' });
  if (config.isProduction && !config.email.resendApiKey) {
    // The email outbox is for development (read at /dev/outbox); in production nobody would ever see those mails.
    logger.warn({}, 'RESEND_API_KEY is not set: emails (verification, signing invitations, resets) are only recorded in email_messages, never delivered; set it to send them');
  }
  const database = await openDatabase(config.database, { isVercel: config.isVercel });
  // The alert job judges the provider built below from these definitions: it reads the sources when it runs.
  const health: { sources?: JobHealthSources } = {};
  const registry = new JobRegistry(appEvents, appDefinitions(createJobDeps(config, database, { jobHealthSources: () => health.sources })));
  const provider = await createProvider({
    config,
    database,
    registry,
    logger,
    waitUntil,
    // With Sentry on, Inngest's runs report through its middleware (the hook below only tags them).
    inngestMiddleware: config.sentryDsn ? [SentryMiddleware] : [],
    onFailure: async (report) => {
      logger.error(report, 'job failed for good');
      await reportJobFailureToSentry(report, config.jobs.provider);
      await writeSystemLog(database.db, {
        level: 'error',
        source: 'jobs',
        message: `Job ${report.definitionId} failed`,
        data: { ...report },
      });
    },
  });
  health.sources = { provider, schedules: cronSchedules(registry.cronDefinitions) };
  const limits = createRateLimiter(await rateLimitStore(config, database, logger));
  return { config, database, logger, registry, provider, jobs: new JobClient<AppEventCatalog>(registry, provider), limits };
}

/** Redis when BullMQ runs (it is there anyway), else the database: either way shared by every instance. */
async function rateLimitStore(config: Config, database: DatabaseHandle, logger: Logger) {
  if (config.jobs.provider === 'bullmq' && config.redis.url) {
    const { Redis } = await import('ioredis');
    const client = new Redis(config.redis.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    // ioredis reconnects by itself; meanwhile each process counts in memory (the limiter's insurance).
    let wasReady = false;
    client.on('ready', () => (wasReady = true));
    client.on('error', (error) => {
      if (wasReady) logger.warn({ err: error }, 'rate-limit Redis connection lost; limiting in process memory until it is back');
      wasReady = false;
    });
    return { kind: 'redis', client, prefix: config.redis.prefix } as const;
  }
  return { kind: 'database', db: database.db } as const;
}

/** Stops the job server (if running) and closes the database (tests and graceful shutdown). */
export async function closeRuntime(options: { timeoutMs?: number } = {}): Promise<void> {
  const runtime = holder.__runtime;
  holder.__runtime = undefined;
  if (!runtime) return;
  const { provider, database, limits } = await runtime;
  await provider.stop(options);
  await limits.close();
  await database.close();
}
