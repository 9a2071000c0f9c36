import type { Database } from '../../db/client';
import type { Exclusive } from '../../db/exclusive';
import { writeSystemLog } from '../logs/write-system-log';
import { deleteOldLogs } from './delete-old-logs';
import { purgeDeletedDocuments } from './purge-deleted-documents';
import { DELETED_DOCUMENT_RETENTION_DAYS, daysBefore, LOG_RETENTION_DAYS } from './retention';

export interface CleanupCounts {
  auditLogs?: number;
  systemLogs?: number;
  documents?: number;
  recipients?: number;
}

/**
 * Deletes logs past retention and/or purges long-deleted documents, unless the same cleanup is already running
 * somewhere (then null: the running one deletes the same rows), and records the counts in system_logs under
 * `source`. Each kind has its own lock, so the nightly jobs never skip each other; /api/cron/cleanup takes both.
 */
export async function runCleanup(
  db: Database,
  input: { logs: boolean; documents: boolean; now: Date; exclusive: Exclusive; source: string },
): Promise<CleanupCounts | null> {
  const locks = [...(input.logs ? ['cleanup:logs'] : []), ...(input.documents ? ['cleanup:documents'] : [])];
  const work = async (): Promise<CleanupCounts> => {
    const counts: CleanupCounts = {};
    if (input.logs) {
      const before = daysBefore(input.now, LOG_RETENTION_DAYS);
      counts.auditLogs = await deleteOldLogs(db, { table: 'audit_logs', before });
      counts.systemLogs = await deleteOldLogs(db, { table: 'system_logs', before });
    }
    if (input.documents) {
      Object.assign(counts, await purgeDeletedDocuments(db, { before: daysBefore(input.now, DELETED_DOCUMENT_RETENTION_DAYS) }));
    }
    await writeSystemLog(db, { level: 'info', source: input.source, message: 'cleanup finished', data: { ...counts } });
    return counts;
  };
  return holdingAll(input.exclusive, locks, work);
}

/** Runs `task` holding every lock in `names` (always taken in the same order, so two callers cannot deadlock). */
async function holdingAll<T>(exclusive: Exclusive, names: readonly string[], task: () => Promise<T>): Promise<T | null> {
  const [first, ...rest] = names;
  if (first === undefined) return task();
  const outcome = await exclusive(first, () => holdingAll(exclusive, rest, task));
  return outcome.acquired ? outcome.result : null;
}
