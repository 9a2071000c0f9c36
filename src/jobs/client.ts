// dispatch(): the one way application code starts jobs. It validates against the event catalog (a bad event is a
// ValidationError naming the fields, and nothing is enqueued), then hands the events to the configured provider.
import { isPriority, PRIORITY_MAX, PRIORITY_MIN } from './define';
import type { EventOf } from './event-type';
import { ValidationError } from './errors';
import type { DispatchOptions, JobProvider } from './providers/types';
import type { JobRegistry } from './registry';

export type DispatchInput<Catalog> = (EventOf<Catalog> & { id?: string }) | Array<EventOf<Catalog> & { id?: string }>;

export class JobClient<Catalog = Record<string, unknown>> {
  constructor(
    readonly registry: JobRegistry,
    readonly provider: JobProvider,
  ) {}

  /** Validates and enqueues one event or several (all or none); returns the ids of the jobs they created. */
  async dispatch(input: DispatchInput<Catalog>, options: DispatchOptions = {}): Promise<{ ids: string[] }> {
    const list = (Array.isArray(input) ? input : [input]) as Array<{ name: unknown; data?: unknown; id?: unknown }>;
    if (list.length === 0) return { ids: [] };
    if (options.id !== undefined && list.length > 1) {
      throw new ValidationError('Invalid dispatch', [{ path: 'id', message: 'options.id applies to one event; give each event its own id' }]);
    }
    if (options.priority !== undefined && !isPriority(options.priority)) {
      throw new ValidationError('Invalid dispatch', [{ path: 'priority', message: `expected a whole number from ${PRIORITY_MIN} to ${PRIORITY_MAX}` }]);
    }
    const validated = this.registry.validate(list);
    const events = validated.map((event, index) => {
      const id = options.id ?? list[index]!.id;
      if (id !== undefined && (typeof id !== 'string' || id.length === 0 || id.length > 200)) {
        throw new ValidationError('Invalid dispatch', [{ path: list.length > 1 ? `${index}.id` : 'id', message: 'expected 1 to 200 characters' }]);
      }
      return { ...event, id: id as string | undefined };
    });
    const ids = await this.provider.dispatch(events, { delay: options.delay, tx: options.tx, priority: options.priority });
    return { ids };
  }
}
