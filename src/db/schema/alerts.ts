import { sql } from 'drizzle-orm';
import { bigint, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * What the last job-health check found, one row per alert source (`jobs`), so an alert is sent on entering a
 * breach and on recovery, not on every check, whichever worker checks and across restarts. Checks lock the row
 * (`select … for update`, found by the primary key) to compare and update it one at a time.
 */
export const jobAlertState = pgTable('job_alert_state', {
  key: text('key').primaryKey(),
  /** Names of the thresholds breached at the last check, in report order. */
  breaches: text('breaches').array().notNull().default(sql`'{}'::text[]`),
  /** Counts transitions (entered, recovered): keys the alert emails and the webhook-id, so a retry resends the same. */
  transitions: bigint('transitions', { mode: 'number' }).notNull().default(0),
  /** The last transition whose alerts all went out; behind `transitions` while one is being (or failed to be) sent. */
  notified: bigint('notified', { mode: 'number' }).notNull().default(0),
  /** When the last transition happened, or a check last took over announcing one that failed. */
  changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
  checkedAt: timestamp('checked_at', { withTimezone: true }).notNull().defaultNow(),
});
