// What this process runs, as /api/health reports it. Set by the entry point that started the process
// (start-web-process.ts or worker.ts); kept on globalThis because Next bundles instrumentation and each route
// separately, and a module-level variable would be a different one in the health route.
import type { Config } from './env';

/** `web`: serves HTTP, only enqueues (or runs jobs per request); `jobs`: a worker with no web server; both. */
export type ProcessRole = 'web' | 'jobs' | 'web+jobs';

const state = globalThis as { __processRole?: ProcessRole };

/** Whether a web process with this config runs the worker loop and cron scheduler in-process. */
export function runsInProcessWorker(config: Config): boolean {
  // Serverless mode runs jobs per request (/api/jobs/run), Inngest calls /api/inngest: no loop of our own.
  return config.jobs.runsWorker && config.jobs.mode === 'worker' && config.jobs.provider !== 'inngest';
}

export function setProcessRole(role: ProcessRole): void {
  state.__processRole = role;
}

/** The role the entry point set; before that (a route called without instrumentation), what the config implies. */
export function getProcessRole(config: Config): ProcessRole {
  return state.__processRole ?? (config.jobs.onlyJobServer ? 'jobs' : runsInProcessWorker(config) ? 'web+jobs' : 'web');
}
