// Which job (and step) the running code belongs to, carried by AsyncLocalStorage so every log line written while a
// job runs says so: the handler's own lines and those of the code it calls (email transport, webhook delivery),
// which log through the process logger and never see the job. The process logger adds these as a pino mixin, one
// object merged into the line, so each key appears once even when a line names jobId itself.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface JobLogContext {
  jobId: string;
  /** The definition's id (`send-signing-email`). */
  definition: string;
  /** 0-based attempt number. */
  attempt: number;
  /** The step running now, when inside step.run / step.sendEvent. */
  step?: string;
}

const storage = new AsyncLocalStorage<JobLogContext>();

export function runWithJobContext<T>(context: JobLogContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** Runs fn as step `step` of the current job; outside a job it runs fn unchanged. */
export function runInStep<T>(step: string, fn: () => T): T {
  const current = storage.getStore();
  return current ? storage.run({ ...current, step }, fn) : fn();
}

/** The bindings of the job running now, or an empty object outside any job. */
export function jobLogBindings(): Partial<JobLogContext> {
  const current = storage.getStore();
  // A copy: pino merges the line into the mixin object it is given.
  return current ? { ...current } : {};
}
