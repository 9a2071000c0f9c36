// A domain change and the jobs it starts, as one unit where the provider allows: the local provider enqueues
// inside the change's transaction, so a job exists if and only if the change committed (and its serverless
// self-dispatch fires only after the commit). Other providers enqueue outside the database, so the events go out
// right after the commit (a crash in between loses them: see README).
import type { Database } from '@/db/client';
import { inTransaction } from '@/db/transaction-scope';
import type { DispatchInput } from '@/jobs/client';
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
  const result = await db.transaction((tx) => change(tx));
  const events = eventsOf(result);
  if (events) await runtime.jobs.dispatch(events);
  return result;
}
