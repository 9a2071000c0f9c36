// cancelOn: an event cancels the pending (due, delayed, sleeping or waiting-to-retry) jobs of the definitions that
// name it, where the job's cancel key equals the event's value of the match field. One statement for every
// cancellation an enqueue causes, served by background_jobs_cancel_key_idx (job_id, cancel_key) over PENDING rows.
// PROCESSING jobs are left alone: they run to their end (a handler checks the state it acts on, as
// send-signing-email does); only their later attempts could have been cancelled. Runs through Drizzle so it joins
// the caller's transaction, like insertJobs: the cancellation happens if and only if the caller's change commits.
import { sql } from 'drizzle-orm';
import { executeRows, type Database } from '../../../../db/client';
import type { PlannedCancellation } from '../../../fan-out';

/** Returns the ids of the jobs it cancelled. */
export async function cancelMatchingJobs(db: Database, cancellations: readonly PlannedCancellation[]): Promise<string[]> {
  if (cancellations.length === 0) return [];
  const rows = await executeRows<{ id: string }>(db, sql`
    update background_jobs j
       set status = 'CANCELLED', cancel_reason = c.cause, completed_at = now(), updated_at = now(),
           locked_by = null, locked_until = null, lock_token = null
      from unnest(
             ${sql.param(cancellations.map((c) => c.definitionId))}::text[],
             ${sql.param(cancellations.map((c) => c.cancelKey))}::text[],
             ${sql.param(cancellations.map((c) => c.cause))}::text[]
           ) as c(job_id, cancel_key, cause)
     where j.status = 'PENDING' and j.job_id = c.job_id and j.cancel_key = c.cancel_key
    returning j.id::text as id
  `);
  return rows.map((row) => row.id);
}
