// `npm run worker`: a dedicated job server. No web server; it runs the claim loop and the cron scheduler until
// SIGTERM, then shuts down gracefully. Scale jobs by running more of these against the same PostgreSQL.
import { getConfig } from './env';
import { getRuntime } from './runtime';
import { installShutdownHandlers } from './shutdown';

const config = getConfig();
if (config.database.kind === 'embedded') {
  console.warn(
    'npm run worker: no DATABASE_URL, so this worker uses its own embedded database in ' +
      `${config.database.dataDir}; a web process cannot share it. Set DATABASE_URL to a PostgreSQL server.`,
  );
}
if (config.jobs.provider === 'local' && config.jobs.mode !== 'worker') {
  throw new Error('npm run worker needs JOBS_MODE=worker (serverless mode runs jobs through /api/jobs/run instead)');
}
const runtime = await getRuntime();
await runtime.provider.start();
installShutdownHandlers(runtime);
runtime.logger.info({ provider: config.jobs.provider, driver: runtime.database.driver }, 'job server started');
