// SIGTERM/SIGINT: stop claiming, let running jobs finish up to JOBS_SHUTDOWN_TIMEOUT_MS, release the rest,
// close the database, exit 0. Installed once per process.
import type { Runtime } from './runtime';
import { closeRuntime } from './runtime';

const state = globalThis as { __shutdownInstalled?: boolean };

export function installShutdownHandlers(runtime: Runtime, options: { exit?: boolean } = { exit: true }): void {
  if (state.__shutdownInstalled) return;
  state.__shutdownInstalled = true;
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    runtime.logger.info({ signal }, 'shutting down: no new jobs will be claimed');
    void closeRuntime({ timeoutMs: runtime.config.jobs.shutdownTimeoutMs })
      .catch((error) => runtime.logger.error({ err: error }, 'error during shutdown'))
      .finally(() => {
        if (options.exit) process.exit(0);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
