// The provider contract: the only door between the job core and a queue technology. The core never imports pg,
// bullmq or inngest; only src/jobs/providers/* do. A provider decides where and when jobs run.
//
// Routes and pages ask this contract what a provider can do (the optional capabilities below), never its class:
// Next bundles instrumentation and each route separately, so the runtime built at start-up and a route that imports
// a provider class see two different classes and `instanceof` is false in the built app.
import type { TransactionScope } from '../../db/transaction-scope';
import type { Duration } from '../define';
import type { JobInspector } from './inspection';
import type { ValidatedEvent } from '../registry';

export type ProviderName = 'local' | 'bullmq' | 'inngest';

export type { TransactionScope };

export interface DispatchOptions {
  /** Dedupe key: dispatching the same id again creates nothing new and returns the same job ids. */
  id?: string;
  /** Run no sooner than this from now. */
  delay?: Duration;
  /** Overrides the definitions' priority for these jobs (PRIORITY_MIN…PRIORITY_MAX, higher first). */
  priority?: number;
  /** The caller's transaction to enqueue in (local provider only): no commit, no job. See `inTransaction`. */
  tx?: TransactionScope;
}

/** One event to enqueue, already validated against the catalog, with its own optional dedupe id. */
export interface EventToDispatch extends ValidatedEvent {
  /** Dedupe id; also what handlers see as `event.id`. Without it, the provider generates an event id. */
  id?: string;
}

/** Whether the provider can do its work now: its store reachable, its keys present. Reported by /api/health. */
export interface ProviderReadiness {
  ready: boolean;
  /** A short, secret-free sentence an operator can act on, e.g. "Redis answered PING" or "INNGEST_SIGNING_KEY is not set". */
  detail: string;
}

export type HttpHandler = (request: Request) => Promise<Response>;

/** Runs jobs on request instead of from a long-lived worker (serverless hosting): /api/jobs/run and /api/cron/tick. */
export interface OnDemandRunner {
  /** Runs the job a signed /api/jobs/run call names, if it is still claimable. */
  runJobById(id: string): Promise<'ran' | 'not-found' | 'not-claimable'>;
  /** Enqueues due cron slots, reclaims lapsed leases and runs due jobs for up to `budgetMs`. */
  tick(budgetMs: number): Promise<{ cronSlots: number; reclaimed: number; ran: number }>;
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
  checkReadiness(): Promise<ProviderReadiness>;

  // Optional capabilities: present exactly when the provider offers them.
  /** The local provider: jobs can be run by HTTP calls (serverless mode, and the tick as a manual fallback). */
  readonly onDemand?: OnDemandRunner;
  /** The Inngest provider: the handler for Inngest's calls to /api/inngest (GET introspect, PUT sync, POST run). */
  readonly inngestEndpoint?: HttpHandler;
  /** A dashboard the app serves for admins (BullMQ: bull-board), mounted at `basePath`. */
  readonly dashboard?: { readonly basePath: string; readonly handle: HttpHandler };
  /** Providers that keep jobs' state with us (local, BullMQ): list, inspect, retry, replay, cancel, metrics. */
  readonly inspector?: JobInspector;
  /** Providers that keep it elsewhere (Inngest): where operators look instead. */
  readonly externalDashboardUrl?: string;
}
