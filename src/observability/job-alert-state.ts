// The durable memory of the pushed job alerts: which thresholds the last check found breached, and whether the
// last transition's alerts went out. A check records what it found and learns whether that is news: `entered`
// when the set gains a threshold (from none, or a new one besides), `recovered` when it empties, else `none`. The
// row lock serializes concurrent checks (two workers, the cron job and /api/cron/job-alerts), so only one of them
// sees the change and alerts. A transition whose alerts never completed is handed again, once per
// RESEND_PENDING_AFTER_MS, to one later check.
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { jobAlertState } from '../db/schema';

export type AlertTransitionKind = 'entered' | 'recovered' | 'none';

export interface AlertTransition {
  kind: AlertTransitionKind;
  /** The transition's number (keys its emails and webhook-id); the last one's when `none`. */
  seq: number;
  breaches: string[];
  previous: string[];
  /** This check takes over announcing an earlier transition whose alerts did not all go out. */
  resend?: true;
}

const JOBS_ALERT_KEY = 'jobs';

/**
 * Longer than a check's own retries take (4 attempts, backoff capped well below this), so a transition still
 * being announced by its own check is never announced by a second one at the same time.
 */
export const RESEND_PENDING_AFTER_MS = 10 * 60 * 1000;

export async function recordBreaches(db: Database, breaches: readonly string[], now: Date): Promise<AlertTransition> {
  return db.transaction(async (tx) => {
    // The first check ever creates the row; every check then waits for the one before it on the row lock.
    await tx.insert(jobAlertState).values({ key: JOBS_ALERT_KEY, changedAt: now, checkedAt: now }).onConflictDoNothing();
    const [row] = await tx.select().from(jobAlertState).where(eq(jobAlertState.key, JOBS_ALERT_KEY)).for('update');
    const previous = row!.breaches;
    const kind = transitionKind(previous, breaches);
    const resend = kind === 'none' && row!.notified < row!.transitions && now.getTime() - row!.changedAt.getTime() >= RESEND_PENDING_AFTER_MS;
    const seq = kind === 'none' ? row!.transitions : row!.transitions + 1;
    await tx
      .update(jobAlertState)
      .set({ breaches: [...breaches], transitions: seq, checkedAt: now, ...((kind !== 'none' || resend) && { changedAt: now }) })
      .where(eq(jobAlertState.key, JOBS_ALERT_KEY));
    if (resend) return { kind: breaches.length ? 'entered' : 'recovered', seq, breaches: [...breaches], previous, resend: true };
    return { kind, seq, breaches: [...breaches], previous };
  });
}

/** Every alert of transition `seq` went out. */
export async function markNotified(db: Database, seq: number): Promise<void> {
  await db
    .update(jobAlertState)
    .set({ notified: sql`greatest(${jobAlertState.notified}, ${seq})` })
    .where(eq(jobAlertState.key, JOBS_ALERT_KEY));
}

function transitionKind(previous: readonly string[], current: readonly string[]): AlertTransitionKind {
  if (current.some((name) => !previous.includes(name))) return 'entered';
  if (previous.length > 0 && current.length === 0) return 'recovered';
  // Fewer breaches than before but not none: still in breach, nothing new to say.
  return 'none';
}
