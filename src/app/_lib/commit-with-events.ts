// A domain change and the jobs it starts, as one unit. The local provider enqueues inside the change's
// transaction, so a job exists if and only if the change committed (and its serverless self-dispatch fires only
// after the commit). Providers that enqueue outside the database (BullMQ, Inngest) get the events through the
// outbox: written in the same transaction, sent right after the commit, and kept for the relay if the provider is
// down then (src/jobs/event-outbox.ts). Either way no change commits without its jobs, and none is answered as
// failed after it committed.
import type { Database } from '@/db/client';
import { inTransaction } from '@/db/transaction-scope';
import type { DispatchInput } from '@/jobs/client';
import { sendOutboxRow, writeOutbox, type OutboxRow } from '@/jobs/event-outbox';
import type { AppEventCatalog } from '@/jobs/events';
import type { Runtime } from '@/runtime';

export type AppEvents = DispatchInput<AppEventCatalog>;

export async function commitWithEvents<T>(
  runtime: Runtime,
  change: (db: Database) => Promise<T>,
  eventsOf: (result: T) => AppEvents | null,
): Promise<T> {
  const { db } = runtime.database;
  if (runtime.provider.supportsTransactionalDispatch) {
    return inTransaction(db, async (scope) => {
      const result = await change(scope.db);
      const events = eventsOf(result);
      if (events) await runtime.jobs.dispatch(events, { tx: scope });
      return result;
    });
  }
  const { result, owed } = await db.transaction(async (tx) => {
    const result = await change(tx);
    const events = eventsOf(result);
    const owed: OutboxRow | null = events ? await writeOutbox(tx, runtime.jobs.registry, Array.isArray(events) ? events : [events]) : null;
    return { result, owed };
  });
  if (owed) await sendOutboxRow(db, owed, (events) => runtime.jobs.dispatch(events as AppEvents), runtime.logger);
  return result;
}
