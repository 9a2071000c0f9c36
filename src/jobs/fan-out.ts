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
}

export function planJobs(registry: JobRegistry, events: readonly EventToDispatch[]): PlannedJob[] {
  return events.flatMap((event) => {
    const eventId = event.id ?? newEventId();
    return registry.subscribers(event.name).map((definition) => ({
      definition,
      eventName: event.name,
      data: event.data,
      eventId,
      dedupeKey: event.id === undefined ? null : `event:${definition.id}:${event.id}`,
      concurrencyKey: concurrencyKeyOf(definition, event.data),
    }));
  });
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
    concurrencyKey: definition.concurrency ? '' : null,
  };
}

/**
 * The concurrency group of a job: null for a definition without a limit; for a limited one, its key expression
 * `event.data.a.b` evaluated against the event's data, or '' (one group) without a key or when the value is absent.
 * Never null for a limited definition: the limited claim finds its jobs by that (background_jobs_limited_pending_idx).
 */
export function concurrencyKeyOf(definition: JobDefinition, data: unknown): string | null {
  if (!definition.concurrency) return null;
  const expression = definition.concurrency.key;
  if (!expression) return '';
  let value: unknown = { event: { data } };
  for (const part of expression.split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
  return value === undefined || value === null ? '' : String(value);
}
