// All job definitions of the app and the event catalog they are checked against. Mistakes that would otherwise
// surface as jobs silently never running (a trigger naming an unknown event, two definitions with one id,
// a malformed cron) fail here, at start-up, with the definition named.
import { Cron } from 'croner';
import type { CronEventData, JobDefinition } from './define';
import type { EventType } from './event-type';
import { ValidationError, type ValidationIssue } from './errors';
import type { z } from 'zod';

/** Largest event payload (serialized JSON) a dispatch accepts: jobs carry ids, not documents. */
export const MAX_EVENT_BYTES = 1024 * 1024;
/** Most events one dispatch call accepts; it is inserted as one statement, all or nothing. */
export const MAX_EVENTS_PER_DISPATCH = 10_000;

export interface ValidatedEvent {
  name: string;
  data: unknown;
}

export class JobRegistry {
  private readonly byId = new Map<string, JobDefinition>();
  private readonly byEvent = new Map<string, JobDefinition[]>();
  private readonly events = new Map<string, EventType>();

  constructor(events: readonly EventType[], definitions: readonly JobDefinition<never>[]) {
    for (const event of events) {
      if (this.events.has(event.name)) throw new Error(`Event "${event.name}" is defined twice in the catalog`);
      this.events.set(event.name, event);
    }
    for (const definition of definitions as readonly JobDefinition[]) this.add(definition);
  }

  private add(definition: JobDefinition): void {
    if (this.byId.has(definition.id)) throw new Error(`Two job definitions share the id "${definition.id}"`);
    if ('event' in definition.trigger) {
      const { event } = definition.trigger;
      if (!this.events.has(event)) {
        throw new Error(`Job "${definition.id}" is triggered by "${event}", which is not in the event catalog`);
      }
      this.byEvent.set(event, [...(this.byEvent.get(event) ?? []), definition]);
    } else {
      try {
        new Cron(definition.trigger.cron, { timezone: 'UTC', paused: true });
      } catch (error) {
        throw new Error(`Job "${definition.id}" has an invalid cron "${definition.trigger.cron}": ${(error as Error).message}`);
      }
    }
    this.byId.set(definition.id, definition);
  }

  get definitions(): JobDefinition[] {
    return [...this.byId.values()];
  }

  get eventTypes(): EventType[] {
    return [...this.events.values()];
  }

  get cronDefinitions(): Array<JobDefinition & { trigger: { cron: string } }> {
    return this.definitions.filter((definition): definition is JobDefinition & { trigger: { cron: string } } => 'cron' in definition.trigger);
  }

  get(id: string): JobDefinition | undefined {
    return this.byId.get(id);
  }

  /** The definitions an event fans out to (none is fine: an event nobody handles yet). */
  subscribers(eventName: string): JobDefinition[] {
    return this.byEvent.get(eventName) ?? [];
  }

  /**
   * Checks events against the catalog. Throws one ValidationError listing every failing field (prefixed with the
   * event's index when several are sent), so a batch is accepted whole or not at all.
   */
  validate(events: ReadonlyArray<{ name: unknown; data?: unknown }>): ValidatedEvent[] {
    if (events.length > MAX_EVENTS_PER_DISPATCH) {
      throw new ValidationError('Invalid event', [{ path: '', message: `at most ${MAX_EVENTS_PER_DISPATCH} events per dispatch (got ${events.length})` }]);
    }
    const issues: ValidationIssue[] = [];
    const validated: ValidatedEvent[] = [];
    events.forEach((event, index) => {
      const prefix = events.length > 1 ? `${index}.` : '';
      const type = typeof event?.name === 'string' ? this.events.get(event.name) : undefined;
      if (!type) {
        issues.push({ path: `${prefix}name`, message: `unknown event ${JSON.stringify(event?.name)}` });
        return;
      }
      const result = type.schema.safeParse(event.data);
      if (!result.success) {
        issues.push(...zodIssues(result.error, `${prefix}data`));
        return;
      }
      const bytes = Buffer.byteLength(JSON.stringify(result.data) ?? '');
      if (bytes > MAX_EVENT_BYTES) {
        issues.push({ path: `${prefix}data`, message: `payload is ${bytes} bytes; the limit is ${MAX_EVENT_BYTES} (store large data and pass its id)` });
        return;
      }
      validated.push({ name: type.name, data: result.data });
    });
    if (issues.length) throw new ValidationError('Invalid event', issues);
    return validated;
  }

  /** Parses a job's stored payload with its definition's schema (catches payloads from an older version). */
  parsePayload(definition: JobDefinition, data: unknown): unknown {
    if (!definition.schema) return data as CronEventData;
    const result = definition.schema.safeParse(data);
    if (!result.success) throw new ValidationError(`Invalid payload for job "${definition.id}"`, zodIssues(result.error, 'data'));
    return result.data;
  }

}

export function zodIssues(error: z.ZodError, prefix = ''): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));
}
