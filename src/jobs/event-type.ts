// Typed events: a name bound to a zod schema. A catalog is a list of them; `dispatch` accepts exactly its union.
import type { z } from 'zod';

export interface EventType<Name extends string = string, Schema extends z.ZodType = z.ZodType> {
  readonly name: Name;
  readonly schema: Schema;
}

export function defineEvent<const Name extends string, Schema extends z.ZodType>(name: Name, schema: Schema): EventType<Name, Schema> {
  if (!/^[a-z0-9-]+\/[a-z0-9.-]+$/.test(name)) throw new Error(`Event name "${name}" must look like domain/noun.verb`);
  return { name, schema };
}

/** Maps each event name of a list of event types to its payload type. */
export type EventCatalog<Events extends readonly EventType[]> = {
  [E in Events[number] as E['name']]: z.output<E['schema']>;
};

/** One dispatchable event of a catalog: `{ name, data }` with `data` typed by `name`. */
export type EventOf<Catalog> = { [Name in keyof Catalog]: { name: Name; data: Catalog[Name] } }[keyof Catalog];

/** An event as stored and handed to a job: name, data, a stable id, and when it was sent. */
export interface JobEvent<Data = unknown> {
  name: string;
  data: Data;
  id: string;
  ts: number;
}
