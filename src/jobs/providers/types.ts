// The provider contract: the only door between the job core and a queue technology. The core never imports pg,
// bullmq or inngest; only src/jobs/providers/* do. A provider decides where and when jobs run.
import type { Database } from '../../db/client';
import type { Duration } from '../define';
import type { ValidatedEvent } from '../registry';

export type ProviderName = 'local' | 'bullmq' | 'inngest';

export interface DispatchOptions {
  /** Dedupe key: dispatching the same id again creates nothing new and returns the same job ids. */
  id?: string;
  /** Run no sooner than this from now. */
  delay?: Duration;
  /** A Drizzle transaction to enqueue in (local provider only): no commit, no job. */
  tx?: Database;
}

/** One event to enqueue, already validated against the catalog, with its own optional dedupe id. */
export interface EventToDispatch extends ValidatedEvent {
  id?: string;
}

export interface JobProvider {
  readonly name: ProviderName;
  /** Whether dispatch({ tx }) enqueues inside the caller's database transaction (only the local provider). */
  readonly supportsTransactionalDispatch: boolean;
  /** Enqueues the jobs these events trigger; returns the ids of those jobs (or, for Inngest, of the events). */
  dispatch(events: readonly EventToDispatch[], options: Omit<DispatchOptions, 'id'>): Promise<string[]>;
  /** Runs jobs in this process: worker and cron scheduler. Providers whose jobs run elsewhere do nothing. */
  start(): Promise<void>;
  /** Stops claiming new jobs, lets running ones finish up to `timeoutMs`, releases the rest. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}
