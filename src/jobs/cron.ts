// Cron schedules, always in UTC. A slot is the instant a schedule fires; the scheduler turns the latest due slot
// into a job whose dedupe key names the slot, so any number of instances enqueue it once.
import { Cron } from 'croner';

/** The latest slot of `expression` at or before `now`, or null if it never fired. */
export function latestSlot(expression: string, now: Date): Date | null {
  const cron = new Cron(expression, { timezone: 'UTC', paused: true });
  // croner's previousRuns is strictly-before at whole-second granularity; look from one second ahead, then step
  // back once if that found a slot later than now (now was not on a whole second).
  const candidate = cron.previousRuns(1, new Date(now.getTime() + 1000))[0];
  if (!candidate || candidate.getTime() <= now.getTime()) return candidate ?? null;
  return cron.previousRuns(1, candidate)[0] ?? null;
}

/** The dedupe key of a cron slot: `cron:<job id>:<slot ISO>` (DESIGN.md). */
export function cronSlotKey(definitionId: string, slot: Date): string {
  return `cron:${definitionId}:${slot.toISOString()}`;
}

/** The first slot of `expression` after `now`, or null if it never fires again. */
export function nextSlot(expression: string, now: Date): Date | null {
  return new Cron(expression, { timezone: 'UTC', paused: true }).nextRun(now) ?? null;
}

/** The slots of `expression` strictly after `after` and at or before `until`, oldest first, at most `max` of them. */
export function slotsAfter(expression: string, after: Date, until: Date, max: number): Date[] {
  const cron = new Cron(expression, { timezone: 'UTC', paused: true });
  return cron.nextRuns(max, after).filter((slot) => slot.getTime() <= until.getTime());
}
