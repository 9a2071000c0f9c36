// The cron scheduler: every 30 s (plus 0–5 s random jitter, so instances do not tick in lockstep) it enqueues the
// latest due slot of each cron definition. Slots missed during downtime are not backfilled: only the latest runs.
// Exactly-once per slot comes from the provider's dedupe on the slot key, not from coordination between
// instances. Clock and randomness are injected so tests drive time instead of sleeping.
import { latestSlot } from './cron';
import type { JobDefinition } from './define';
import type { JobLogger } from './logger';

export interface SchedulerOptions {
  definitions: ReadonlyArray<JobDefinition & { trigger: { cron: string } }>;
  /** Enqueues the job for one slot; must be idempotent per (definition, slot). */
  enqueueSlot(definition: JobDefinition, slot: Date): Promise<void>;
  now: () => Date;
  random?: () => number;
  intervalMs?: number;
  jitterMs?: number;
  logger: JobLogger;
  /** Extra work on every tick (the local provider sweeps retention here). */
  onTick?: () => Promise<void>;
}

export class CronScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** The newest slot this instance enqueued per definition; a clock that steps back cannot re-enqueue older ones. */
  private readonly lastEnqueued = new Map<string, number>();

  constructor(private readonly options: SchedulerOptions) {}

  /** Enqueues every definition's latest due slot now. Returns the slots enqueued (for tests and /api/cron/tick). */
  async tick(): Promise<Array<{ definitionId: string; slot: Date }>> {
    const now = this.options.now();
    const enqueued: Array<{ definitionId: string; slot: Date }> = [];
    for (const definition of this.options.definitions) {
      const slot = latestSlot(definition.trigger.cron, now);
      if (!slot || slot.getTime() <= (this.lastEnqueued.get(definition.id) ?? -Infinity)) continue;
      try {
        await this.options.enqueueSlot(definition, slot);
        this.lastEnqueued.set(definition.id, slot.getTime());
        enqueued.push({ definitionId: definition.id, slot });
      } catch (error) {
        this.options.logger.error({ err: error, job: definition.id, slot: slot.toISOString() }, 'could not enqueue cron slot');
      }
    }
    await this.options.onTick?.().catch((error) => this.options.logger.error({ err: error }, 'scheduler tick task failed'));
    return enqueued;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const schedule = () => {
      if (!this.running) return;
      const interval = this.options.intervalMs ?? 30_000;
      const jitter = (this.options.random ?? Math.random)() * (this.options.jitterMs ?? 5_000);
      this.timer = setTimeout(() => void this.tick().finally(schedule), interval + jitter);
      this.timer.unref?.();
    };
    void this.tick().finally(schedule);
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
  }
}
