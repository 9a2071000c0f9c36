// The process-wide objects built from config: database, logger, and (from the job core) the job client.
// Kept on globalThis because Next's dev server re-evaluates modules on reload and must not reopen the database.
import { getConfig, type Config } from './env';
import { openDatabase, type DatabaseHandle } from './db/client';
import { createLogger, type Logger } from './observability/logger';

export interface Runtime {
  readonly config: Config;
  readonly database: DatabaseHandle;
  readonly logger: Logger;
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
  return { config, database, logger };
}

/** Closes and forgets the runtime (tests and graceful shutdown). */
export async function closeRuntime(): Promise<void> {
  const runtime = holder.__runtime;
  holder.__runtime = undefined;
  if (runtime) await (await runtime).database.close();
}
