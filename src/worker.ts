// `npm run worker`: a dedicated job server. No web server; it applies pending migrations (unless
// DATABASE_MIGRATE_ON_START=false), waits for a current schema, then runs the claim loop and the cron scheduler
// until SIGTERM, and shuts down gracefully (exit 0). Scale jobs by running more of these against the same
// PostgreSQL. Operators watch its log lines and exit code, or WORKER_HEALTH_PORT's GET /api/health.
import { createServer } from 'node:http';
import { checkHealth } from './domain/health';
import { getConfig, loadEnvFiles } from './env';
import { sentryInitOptions } from './observability/sentry';
import { waitForSchema } from './ensure-schema';
import { startOutboxRelay } from './outbox-relay';
import { setProcessRole } from './process-role';
import { exitOnStartupFailure, StartupError } from './startup-failure';
import { getRuntime, type Runtime } from './runtime';
import { installShutdownHandlers, shutdownSignal } from './shutdown';

loadEnvFiles();
const config = (() => {
  try {
    return getConfig();
  } catch (error) {
    return exitOnStartupFailure(error);
  }
})();
const sentry = sentryInitOptions({ dsn: config.sentryDsn, environment: config.nodeEnv });
if (sentry) (await import('@sentry/node')).init(sentry);
if (config.database.kind === 'embedded') {
  console.warn(
    'npm run worker: no DATABASE_URL, so this worker uses its own embedded database in ' +
      `${config.database.dataDir}; a web process cannot share it. Set DATABASE_URL to a PostgreSQL server.`,
  );
}
if (config.jobs.provider === 'local' && config.jobs.mode !== 'worker') {
  throw new Error('npm run worker needs JOBS_MODE=worker (serverless mode runs jobs through /api/jobs/run instead)');
}
setProcessRole('jobs');
const runtime = await getRuntime().catch(exitOnStartupFailure);
installShutdownHandlers(runtime);
if (config.jobs.workerHealthPort) serveHealth(runtime, config.jobs.workerHealthPort);
const signal = shutdownSignal();
if (await waitForSchema(runtime, { signal, recheckMs: config.jobs.pollIntervalMs, holdsJobs: true })) {
  if (!signal.aborted) {
    startOutboxRelay(runtime, signal);
    await runtime.provider.start();
    runtime.logger.info({ provider: config.jobs.provider, driver: runtime.database.driver }, 'job server started');
  }
}

/** The web process's /api/health report, for probes of a process that has no web server. */
function serveHealth(runtime: Runtime, port: number): void {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/api/health') {
      response.writeHead(404).end();
      return;
    }
    void checkHealth({ database: runtime.database, provider: runtime.provider, mode: config.jobs.mode, role: 'jobs' }).then((report) => {
      response.writeHead(report.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(report));
    });
  });
  // Not keeping the process alive on its own: the worker's own timers and connections do that until shutdown.
  server.unref();
  // A probe pointed at a port this worker cannot serve would fail forever while the worker ran unwatched: stop now.
  server.on('error', (error: NodeJS.ErrnoException) =>
    exitOnStartupFailure(new StartupError(`WORKER_HEALTH_PORT=${port} could not be opened (${error.code ?? error.message}): choose a free port, or unset it to run without a health endpoint`)),
  );
  server.listen(port, () => runtime.logger.info({ port }, 'worker health endpoint listening on /api/health'));
}
