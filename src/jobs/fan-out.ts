// Turns dispatched events into one job per subscribed definition, for providers that store jobs themselves.
import { cronEventName, type JobDefinition } from './define';
import type { EventToDispatch } from './providers/types';
import type { JobRegistry } from './registry';

export interface PlannedJob {
  definition: JobDefinition;
  eventName: string;
  data: unknown;
  /** The dispatched event's own id (its dedupe id), if it had one. */
  eventId?: string;
  /** Per definition, so one event id fanning out to two definitions yields two jobs, each deduplicated. */
  dedupeKey: string | null;
  concurrencyKey: string | null;
}

export function planJobs(registry: JobRegistry, events: readonly EventToDispatch[]): PlannedJob[] {
  return events.flatMap((event) =>
    registry.subscribers(event.name).map((definition) => ({
      definition,
      eventName: event.name,
      data: event.data,
      eventId: event.id,
      dedupeKey: event.id === undefined ? null : `event:${definition.id}:${event.id}`,
      concurrencyKey: concurrencyKeyOf(definition, event.data),
    })),
  );
}

export function planCronJob(definition: JobDefinition, slot: Date, dedupeKey: string): PlannedJob {
  return {
    definition,
    eventName: cronEventName(definition.id),
    data: { scheduledFor: slot.toISOString() },
    dedupeKey,
    concurrencyKey: null,
  };
}

/** Evaluates a concurrency key expression `event.data.a.b` against an event's data. */
export function concurrencyKeyOf(definition: JobDefinition, data: unknown): string | null {
  const expression = definition.concurrency?.key;
  if (!expression) return null;
  let value: unknown = { event: { data } };
  for (const part of expression.split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
  return value === undefined || value === null ? null : String(value);
}
