// Cron schedules, always in UTC. A slot is the instant a schedule fires; the scheduler turns the latest due slot
// into a job whose dedupe key names the slot, so any number of instances enqueue it once.
import { Cron } from 'croner';

/** The latest slot of `expression` at or before `now`, or null if it never fired. */
export function latestSlot(expression: string, now: Date): Date | null {
  const cron = new Cron(expression, { timezone: 'UTC', paused: true });
  return cron.previousRuns(1, new Date(now.getTime() + 1))[0] ?? null;
}

/** The dedupe key of a cron slot: `cron:<job id>:<slot ISO>` (DESIGN.md). */
export function cronSlotKey(definitionId: string, slot: Date): string {
  return `cron:${definitionId}:${slot.toISOString()}`;
}
