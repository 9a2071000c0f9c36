// Start-up of the web process (called from instrumentation.ts): fail fast on bad config, open the database and
// apply pending migrations (unless DATABASE_MIGRATE_ON_START=false) before the first request, and run the job
// server in-process unless JOBS_SERVER_DISABLED=true. While the schema is behind, jobs wait for it (see
// ensure-schema.ts) and /api/health answers 503.
import { waitForSchema } from './ensure-schema';
import { installClientAddressStamp } from './limits/client-address';
import { installMalformedUrlGuard } from './malformed-url-guard';
import { startOutboxRelay } from './outbox-relay';
import { runsInProcessWorker, setProcessRole } from './process-role';
import { getRuntime } from './runtime';
import { installShutdownHandlers, shutdownSignal } from './shutdown';

export async function startWebProcess(): Promise<void> {
  // Before the first request is handled: the per-IP limits read the peer address it stamps on every request.
  installClientAddressStamp();
  const runtime = await getRuntime();
  installMalformedUrlGuard({ isProduction: runtime.config.isProduction });
  const { config, logger, provider, database } = runtime;
  const runsJobs = runsInProcessWorker(config);
  setProcessRole(runsJobs ? 'web+jobs' : 'web');
  if (config.jobs.onlyJobServer) logger.warn({}, 'ONLY_JOB_SERVER=true has no effect on the web server; run `npm run worker` for a jobs-only process');
  // Web-only processes too: SIGTERM closes the database pool and exits at once (it took ~3 s without, measured).
  installShutdownHandlers(runtime);
  const signal = shutdownSignal();
  let firstCheckDone!: (current: boolean) => void;
  const firstCheck = new Promise<boolean>((resolve) => (firstCheckDone = resolve));
  const schemaCurrent = waitForSchema(runtime, { signal, recheckMs: config.jobs.pollIntervalMs, holdsJobs: runsJobs, onFirstCheck: firstCheckDone });
  // Not awaited: Next.js answers no request until register() returns, and BullMQ's start waits for Redis for as long
  // as Redis is down. The web server serves (and /api/health explains) meanwhile; changes' events wait in the outbox.
  const startJobs = () => {
    // The outbox relay runs in every web process (it sends what this process's requests owe).
    startOutboxRelay(runtime, signal);
    if (!runsJobs) return;
    void provider.start().catch((error) => logger.error({ err: error }, 'starting the in-process job server failed'));
  };
  if (await firstCheck) startJobs();
  else {
    // The job server and relay wait for the schema (their tables).
    void schemaCurrent
      .then((current) => {
        if (current && !signal.aborted) startJobs();
      })
      .catch((error) => logger.error({ err: error }, 'starting the in-process job server failed'));
  }
  logger.info(
    { provider: config.jobs.provider, driver: database.driver, mode: config.jobs.mode, runsJobs },
    'web process started',
  );
}
