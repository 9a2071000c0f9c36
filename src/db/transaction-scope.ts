// One owner of a transaction: the caller opens it with inTransaction, domain verbs write with `scope.db`, and
// whatever must wait for the commit (the serverless self-dispatch of a job enqueued inside it) registers with
// `afterCommit`. Those actions run once the commit has succeeded, in order, and never after a rollback.
import type { Database } from './client';

export interface TransactionScope {
  readonly db: Database;
  /** Runs `action` after the transaction commits. Actions are fire-and-forget and must handle their own errors. */
  afterCommit(action: () => void): void;
}

export async function inTransaction<T>(db: Database, work: (scope: TransactionScope) => Promise<T>): Promise<T> {
  const actions: Array<() => void> = [];
  const result = await db.transaction((tx) => work({ db: tx, afterCommit: (action) => void actions.push(action) }));
  const errors: unknown[] = [];
  for (const action of actions) {
    try {
      action();
    } catch (error) {
      errors.push(error);
    }
  }
  // The data is committed; an action that threw is a programming error, surfaced once every action had its turn.
  if (errors.length) throw new AggregateError(errors, 'an after-commit action failed (the transaction itself committed)');
  return result;
}
