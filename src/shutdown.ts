// SIGTERM/SIGINT: stop claiming, let running jobs finish up to JOBS_SHUTDOWN_TIMEOUT_MS, release the rest,
// close the database, exit 0. Installed once per process.
import type { Runtime } from './runtime';
import { closeRuntime } from './runtime';

const state = globalThis as { __shutdownInstalled?: boolean; __shutdown?: AbortController };

/** Aborted when shutdown begins: start-up work still waiting (for the schema, say) gives up instead of starting jobs. */
export function shutdownSignal(): AbortSignal {
  state.__shutdown ??= new AbortController();
  return state.__shutdown.signal;
}

export function installShutdownHandlers(runtime: Runtime, options: { exit?: boolean } = { exit: true }): void {
  if (state.__shutdownInstalled) return;
  state.__shutdownInstalled = true;
  let closing = false;
  const shutdown = (signal: string) => {
    // A second signal is expected, not a reason to die mid-shutdown: Ctrl-C reaches the whole process group, and
    // npm forwards the same signal to its child again.
    if (closing) return;
    closing = true;
    state.__shutdown ??= new AbortController();
    state.__shutdown.abort();
    runtime.logger.info({ signal }, 'shutting down: no new jobs will be claimed');
    void closeRuntime({ timeoutMs: runtime.config.jobs.shutdownTimeoutMs })
      .catch((error) => runtime.logger.error({ err: error }, 'error during shutdown'))
      .finally(() => {
        if (options.exit) process.exit(0);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
