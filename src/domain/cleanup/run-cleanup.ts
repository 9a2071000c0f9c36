import type { Database } from '../../db/client';
import type { Exclusive } from '../../db/exclusive';
import { writeSystemLog } from '../logs/write-system-log';
import { deleteOldLogs } from './delete-old-logs';
import { purgeDeletedDocuments } from './purge-deleted-documents';
import { redactSentEmailBodies } from './redact-sent-email-bodies';
import { DELETED_DOCUMENT_RETENTION_DAYS, daysBefore, hoursBefore, LOG_RETENTION_DAYS, type EmailRetention } from './retention';

export interface CleanupCounts {
  auditLogs?: number;
  systemLogs?: number;
  /** Sent emails whose bodies (and links) were emptied. */
  emailBodies?: number;
  /** email_messages rows deleted. */
  emails?: number;
  documents?: number;
  recipients?: number;
}

/**
 * Deletes logs past retention (audit, system, and the email log, whose sent bodies are emptied first, after their
 * shorter retention) and/or purges long-deleted documents, unless the same cleanup is already running
 * somewhere (then null: the running one deletes the same rows), and records the counts in system_logs under
 * `source`. Each kind has its own lock, so the nightly jobs never skip each other; /api/cron/cleanup takes both.
 */
export async function runCleanup(
  db: Database,
  input: { logs: boolean; documents: boolean; now: Date; exclusive: Exclusive; source: string; emailRetention: EmailRetention },
): Promise<CleanupCounts | null> {
  const locks = [...(input.logs ? ['cleanup:logs'] : []), ...(input.documents ? ['cleanup:documents'] : [])];
  const work = async (): Promise<CleanupCounts> => {
    const counts: CleanupCounts = {};
    if (input.logs) {
      const before = daysBefore(input.now, LOG_RETENTION_DAYS);
      counts.auditLogs = await deleteOldLogs(db, { table: 'audit_logs', before });
      counts.systemLogs = await deleteOldLogs(db, { table: 'system_logs', before });
      counts.emailBodies = await redactSentEmailBodies(db, { before: hoursBefore(input.now, input.emailRetention.bodyHours), now: input.now });
      counts.emails = await deleteOldLogs(db, { table: 'email_messages', before: daysBefore(input.now, input.emailRetention.days) });
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
