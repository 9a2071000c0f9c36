// Start-up of the web process (called from instrumentation.ts): fail fast on bad config, open (and for the
// embedded database, migrate) the database, and run the job server in-process unless JOBS_SERVER_DISABLED=true.
import { getRuntime } from './runtime';
import { installShutdownHandlers } from './shutdown';

export async function startWebProcess(): Promise<void> {
  const runtime = await getRuntime();
  const { config, logger, provider, database } = runtime;
  const runsJobs = config.jobs.runsWorker && config.jobs.mode === 'worker';
  if (runsJobs) {
    await provider.start();
    installShutdownHandlers(runtime);
  }
  logger.info(
    { provider: config.jobs.provider, driver: database.driver, mode: config.jobs.mode, runsJobs },
    'web process started',
  );
}
