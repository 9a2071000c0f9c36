// defineJob() and the types a job is written against. A definition says *what to do* about an event; the
// provider decides where and when it runs.
//
// Glossary
// - definition: the code (`defineJob`), identified by a kebab-case `id`, triggered by one event or one cron.
// - job: one run-to-completion of a definition for one event; it may take several attempts.
// - attempt: one execution of the handler; a failure schedules the next attempt with backoff.
// - step: a named, memoized unit inside a handler; a completed step never runs again for the same job.
import type { z } from 'zod';
import type { EventType, JobEvent } from './event-type';
import { toMilliseconds } from './duration';
import type { JobLogger } from './logger';

export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`;

export interface StepTools {
  /** Runs `fn` once per job; its JSON result is memoized and returned on every later attempt. */
  run<T>(id: string, fn: () => Promise<T> | T): Promise<Jsonified<T>>;
  /** Parks the job until `duration` has passed; the worker slot is freed meanwhile. */
  sleep(id: string, duration: Duration): Promise<void>;
  /** Dispatches events exactly once per job (memoized); returns the ids of the jobs they created. */
  sendEvent(id: string, events: { name: string; data: unknown } | Array<{ name: string; data: unknown }>): Promise<{ ids: string[] }>;
}

/** What a value becomes after a JSON round trip, which is what a memoized step returns. */
export type Jsonified<T> = T extends undefined | void
  ? null
  : T extends Date
    ? string
    : T extends Array<infer U>
      ? Array<Jsonified<U>>
      : T extends object
        ? { [K in keyof T]: Jsonified<T[K]> }
        : T;

export interface JobContext<Data> {
  event: JobEvent<Data>;
  step: StepTools;
  /** 0 on the first attempt, 1 on the first retry, … (as in Inngest). */
  attempt: number;
  /** The provider's id for this job. */
  jobId: string;
  logger: JobLogger;
}

export interface BackoffOptions {
  /** Delay before the first retry, before jitter. */
  baseMs: number;
  /** Upper bound on any delay. */
  maxMs: number;
}

export interface ConcurrencyOptions {
  /** Jobs of this definition (per key, if given) running at once across all workers. */
  limit: number;
  /** An expression over the event, `event.data.<field>`, that groups jobs (e.g. one at a time per document). */
  key?: `event.data.${string}`;
}

export type JobTrigger = { event: EventType } | { cron: string };

/** `limit` per `period` (per key, if given). `period` is whole seconds from 1 s to 7 d, Inngest's bounds. */
export interface RateOptions {
  limit: number;
  period: Duration;
  key?: `event.data.${string}`;
}

/** RateOptions as a definition holds them: the period in milliseconds. */
export interface RateRule {
  limit: number;
  periodMs: number;
  key?: `event.data.${string}`;
}

/**
 * Priorities run from -600 to 600, higher first among due jobs; 0 is the default. The range is Inngest's
 * (`priority.run`, seconds a run is moved ahead in its function's backlog), so one number means the same on every
 * provider: the local provider orders its claim by it, BullMQ maps it onto its own `priority` option.
 */
export const PRIORITY_MIN = -600;
export const PRIORITY_MAX = 600;

/** As in Inngest: an event named `event` whose `data.<field>` equals this job's cancels its pending or sleeping run. */
export interface CancelOn {
  event: EventType;
  match: `data.${string}`;
}

export function isPriority(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= PRIORITY_MIN && (value as number) <= PRIORITY_MAX;
}

export interface JobOptions<Trigger extends JobTrigger> {
  id: string;
  name?: string;
  version?: number;
  /** Retries after the first attempt (default 3, so 4 attempts). */
  retries?: number;
  backoff?: Partial<BackoffOptions>;
  concurrency?: ConcurrencyOptions;
  /**
   * At most `limit` job starts per `period` (per key) across every worker; the excess waits, nothing is dropped (for
   * quotas: an email provider's, a webhook receiver's). With `concurrency` too, both must use the same key.
   */
  throttle?: RateOptions;
  /** At most `limit` jobs per `period` (per key) are created; events beyond it create no job (only the latest matters). */
  rateLimit?: RateOptions;
  /** Default priority of this definition's jobs (PRIORITY_MIN…PRIORITY_MAX, higher first); dispatch may override it. */
  priority?: number;
  /** Events that cancel this definition's pending or sleeping jobs (see CancelOn). Every entry matches the same field. */
  cancelOn?: CancelOn[];
  trigger: Trigger;
}

export type CronEventData = { scheduledFor: string };

type DataOf<Trigger> = Trigger extends { event: EventType<string, infer Schema> } ? z.output<Schema> : CronEventData;

export interface JobDefinition<Data = unknown> {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly retries: number;
  readonly backoff: BackoffOptions;
  readonly concurrency?: ConcurrencyOptions;
  readonly throttle?: RateRule;
  readonly rateLimit?: RateRule;
  readonly priority: number;
  /** Event names and the one data path they match on; undefined when nothing cancels this definition's jobs. */
  readonly cancelOn?: { events: string[]; path: string[] };
  readonly trigger: { event: string } | { cron: string };
  /** Parses the trigger payload (the event's schema, or the cron payload's). */
  readonly schema?: z.ZodType;
  readonly handler: (context: JobContext<Data>) => Promise<unknown>;
}

export const DEFAULT_RETRIES = 3;
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 10 * 60 * 1000 };

/** The event name a cron definition's jobs carry. */
export function cronEventName(definitionId: string): string {
  return `cron/${definitionId}`;
}

export function defineJob<const Trigger extends JobTrigger>(
  options: JobOptions<Trigger>,
  handler: (context: JobContext<DataOf<Trigger>>) => Promise<unknown>,
): JobDefinition<DataOf<Trigger>> {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(options.id)) throw new Error(`Job id "${options.id}" must be kebab-case`);
  const retries = options.retries ?? DEFAULT_RETRIES;
  if (!Number.isInteger(retries) || retries < 0 || retries > 20) {
    throw new Error(`Job "${options.id}": retries must be a whole number from 0 to 20 (got ${retries})`);
  }
  if (options.concurrency && (!Number.isInteger(options.concurrency.limit) || options.concurrency.limit < 1)) {
    throw new Error(`Job "${options.id}": concurrency.limit must be a whole number of at least 1`);
  }
  const priority = options.priority ?? 0;
  if (!isPriority(priority)) {
    throw new Error(`Job "${options.id}": priority must be a whole number from ${PRIORITY_MIN} to ${PRIORITY_MAX} (got ${priority})`);
  }
  const throttle = rateRuleOf(options.id, 'throttle', options.throttle);
  const rateLimit = rateRuleOf(options.id, 'rateLimit', options.rateLimit);
  if (throttle && options.concurrency && throttle.key !== options.concurrency.key) {
    throw new Error(`Job "${options.id}": throttle and concurrency must use the same key (they share the job's group)`);
  }
  const trigger = 'event' in options.trigger ? { event: options.trigger.event.name } : { cron: options.trigger.cron };
  return {
    id: options.id,
    name: options.name ?? options.id,
    version: options.version ?? 1,
    retries,
    backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
    concurrency: options.concurrency,
    throttle,
    rateLimit,
    priority,
    cancelOn: cancelOnOf(options.id, options.cancelOn),
    trigger,
    schema: 'event' in options.trigger ? options.trigger.event.schema : undefined,
    handler,
  };
}

// One match field per definition: the local provider keeps that field's value on the job row (cancel_key) so a
// cancelling event finds its jobs through an index instead of scanning the payloads of every pending job.
function cancelOnOf(id: string, entries: CancelOn[] | undefined): JobDefinition['cancelOn'] {
  if (!entries?.length) return undefined;
  const fields = new Set(entries.map((entry) => entry.match));
  const [match] = fields;
  if (fields.size > 1 || !/^data(\.[A-Za-z0-9_]+)+$/.test(match!)) {
    throw new Error(`Job "${id}": every cancelOn entry must match the same field, written data.<field> (got ${[...fields].join(', ')})`);
  }
  return { events: entries.map((entry) => entry.event.name), path: match!.split('.').slice(1) };
}

const SECOND_MS = 1000;
const WEEK_MS = 7 * 24 * 3600 * SECOND_MS;

function rateRuleOf(id: string, name: string, options: RateOptions | undefined): RateRule | undefined {
  if (!options) return undefined;
  if (!Number.isInteger(options.limit) || options.limit < 1 || options.limit > 10_000) {
    throw new Error(`Job "${id}": ${name}.limit must be a whole number from 1 to 10000 (got ${options.limit})`);
  }
  const periodMs = toMilliseconds(options.period);
  if (!(periodMs >= SECOND_MS && periodMs <= WEEK_MS && periodMs % SECOND_MS === 0)) {
    throw new Error(`Job "${id}": ${name}.period must be whole seconds from 1s to 7d (got ${String(options.period)})`);
  }
  return { limit: options.limit, periodMs, key: options.key };
}
