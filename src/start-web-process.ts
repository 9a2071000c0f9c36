// Start-up of the web process (called from instrumentation.ts): fail fast on bad config, open the database.
import { getRuntime } from './runtime';

export async function startWebProcess(): Promise<void> {
  const runtime = await getRuntime();
  runtime.logger.info(
    { provider: runtime.config.jobs.provider, driver: runtime.database.driver, mode: runtime.config.jobs.mode },
    'web process started',
  );
}
