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
import { createLogger, type Logger } from './observability/logger';

export interface Runtime {
  readonly config: Config;
  readonly database: DatabaseHandle;
  readonly logger: Logger;
  readonly registry: JobRegistry;
  readonly provider: JobProvider;
  readonly jobs: JobClient<AppEventCatalog>;
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
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config.database, { isVercel: config.isVercel });
  const registry = new JobRegistry(appEvents, appDefinitions(createJobDeps(config, database)));
  const provider = await createProvider({
    config,
    database,
    registry,
    logger,
    waitUntil,
    onFailure: async (report) => {
      logger.error(report, 'job failed for good');
      await writeSystemLog(database.db, {
        level: 'error',
        source: 'jobs',
        message: `Job ${report.definitionId} failed`,
        data: { ...report },
      });
    },
  });
  return { config, database, logger, registry, provider, jobs: new JobClient<AppEventCatalog>(registry, provider) };
}

/** Stops the job server (if running) and closes the database (tests and graceful shutdown). */
export async function closeRuntime(options: { timeoutMs?: number } = {}): Promise<void> {
  const runtime = holder.__runtime;
  holder.__runtime = undefined;
  if (!runtime) return;
  const { provider, database } = await runtime;
  await provider.stop(options);
  await database.close();
}
