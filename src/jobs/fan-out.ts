// Turns dispatched events into one job per subscribed definition, for providers that store jobs themselves.
import { cronEventName, type JobDefinition } from './define';
import type { EventToDispatch } from './providers/types';
import type { JobRegistry } from './registry';

export interface PlannedJob {
  definition: JobDefinition;
  eventName: string;
  data: unknown;
  /** What the handler sees as event.id: the dispatched dedupe id, else one generated here, shared by every job of the event. */
  eventId: string;
  /** Per definition, so one event id fanning out to two definitions yields two jobs, each deduplicated. */
  dedupeKey: string | null;
  concurrencyKey: string | null;
  /** The dispatch's priority, else the definition's. */
  priority: number;
  /** The value of the definition's cancelOn match field in this job's data; null when nothing can cancel it. */
  cancelKey: string | null;
}

/** Pending jobs of `definitionId` whose cancel key is `cancelKey` are to be cancelled, because of `cause`. */
export interface PlannedCancellation {
  definitionId: string;
  cancelKey: string;
  cause: string;
}

export function planJobs(registry: JobRegistry, events: readonly EventToDispatch[], priority?: number): PlannedJob[] {
  return events.flatMap((event) => {
    const eventId = event.id ?? newEventId();
    return registry.subscribers(event.name).map((definition) => ({
      definition,
      eventName: event.name,
      data: event.data,
      eventId,
      dedupeKey: event.id === undefined ? null : `event:${definition.id}:${event.id}`,
      concurrencyKey: concurrencyKeyOf(definition, event.data),
      priority: priority ?? definition.priority,
      cancelKey: definition.cancelOn ? valueAt(event.data, definition.cancelOn.path) : null,
    }));
  });
}

/** One definition's job for an event again (an operator's replay): a new event id, no dedupe key. */
export function planReplay(definition: JobDefinition, event: { name: string; data: unknown }, priority = definition.priority): PlannedJob {
  return {
    definition,
    eventName: event.name,
    data: event.data,
    eventId: newEventId(),
    dedupeKey: null,
    concurrencyKey: concurrencyKeyOf(definition, event.data),
    priority,
    cancelKey: definition.cancelOn ? valueAt(event.data, definition.cancelOn.path) : null,
  };
}

/** The cancellations these events cause (cancelOn), for providers that cancel jobs themselves. */
export function planCancellations(registry: JobRegistry, events: readonly EventToDispatch[]): PlannedCancellation[] {
  return events.flatMap((event) =>
    registry.definitions.flatMap((definition) => {
      if (!definition.cancelOn?.events.includes(event.name)) return [];
      const cancelKey = valueAt(event.data, definition.cancelOn.path);
      if (cancelKey === null) return [];
      return [{ definitionId: definition.id, cancelKey, cause: `cancelOn ${event.name}${event.id ? ` (event ${event.id})` : ''}` }];
    }),
  );
}

/** A scalar at `path` in the event data as text, or null when it is absent (absent never matches anything). */
function valueAt(data: unknown, path: readonly string[]): string | null {
  let value: unknown = data;
  for (const part of path) value = (value as Record<string, unknown> | undefined)?.[part];
  return value === undefined || value === null || typeof value === 'object' ? null : String(value);
}

/** An event id for an event dispatched without one (Web Crypto, so the core stays runtime-neutral). */
export function newEventId(): string {
  return globalThis.crypto.randomUUID();
}

export function planCronJob(definition: JobDefinition, slot: Date, dedupeKey: string): PlannedJob {
  return {
    definition,
    eventName: cronEventName(definition.id),
    data: { scheduledFor: slot.toISOString() },
    eventId: dedupeKey,
    dedupeKey,
    concurrencyKey: concurrencyKeyOf(definition, {}),
    priority: definition.priority,
    cancelKey: null,
  };
}

/**
 * The group of a job, which its definition's concurrency limit and throttle count per: null for a definition with
 * neither; otherwise the key expression `event.data.a.b` evaluated against the event's data, or '' (one group)
 * without a key or when the value is absent. Never null for a limited or throttled definition: the limited claim
 * finds its jobs by that (background_jobs_limited_pending_idx).
 */
export function concurrencyKeyOf(definition: JobDefinition, data: unknown): string | null {
  if (!definition.concurrency && !definition.throttle) return null;
  return keyOf(definition.concurrency?.key ?? definition.throttle?.key, data);
}

/** The rateLimit key of a job of a rate-limited definition ('' without a key expression). */
export function rateKeyOf(definition: JobDefinition, data: unknown): string {
  return keyOf(definition.rateLimit?.key, data);
}

function keyOf(expression: string | undefined, data: unknown): string {
  if (!expression) return '';
  let value: unknown = { event: { data } };
  for (const part of expression.split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
  return value === undefined || value === null ? '' : String(value);
}
