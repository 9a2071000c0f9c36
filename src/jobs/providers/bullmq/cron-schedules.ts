// Cron definitions on BullMQ: a job scheduler per definition (UTC) queues each slot's job ahead of time, carrying
// the definition's attempts, backoff and priority like any other job. A scheduler only ever queues slots after it
// was created, so at start the newest slot that already passed is run too, once, as the local provider's scheduler
// does: a fresh deployment (or one down across a slot) runs its sweeps now instead of reporting them missed until
// the next slot, which for the daily cleanups is up to a day away.
import type { Queue } from 'bullmq';
import { cronSlotKey, latestSlot } from '../../cron';
import { cronEventName, type JobDefinition } from '../../define';

/** The ids a slot's job can have: the scheduler's own (`repeat:<scheduler id>:<slot ms>`), or the start-up catch-up's. */
export function cronSlotJobIds(definitionId: string, slot: Date): [scheduled: string, caughtUp: string] {
  // BullMQ refuses ':' in the ids we choose (it is its own separator), so the catch-up's id has none.
  return [`repeat:${definitionId}:${slot.getTime()}`, `cron-${slot.getTime()}`];
}

/** Creates or updates the definition's scheduler and runs its newest past slot unless some job already holds it. */
export async function scheduleCron(queue: Queue, definition: JobDefinition & { trigger: { cron: string } }, jobOptions: object, now = new Date()): Promise<void> {
  await queue.upsertJobScheduler(definition.id, { pattern: definition.trigger.cron, tz: 'UTC' }, { name: definition.id, opts: jobOptions });
  const slot = latestSlot(definition.trigger.cron, now);
  if (!slot) return;
  const [scheduled, caughtUp] = cronSlotJobIds(definition.id, slot);
  if (await queue.getJob(scheduled)) return;
  // Several processes starting at once add the same id: BullMQ keeps the first and ignores the others.
  await queue.add(
    definition.id,
    { event: { name: cronEventName(definition.id), data: { scheduledFor: slot.toISOString() }, id: cronSlotKey(definition.id, slot), ts: now.getTime() } },
    { ...jobOptions, jobId: caughtUp },
  );
}
