// Daily at 03:00 UTC: deletes audit_logs and system_logs older than 90 days in batches (see deleteOldLogs), empties
// the bodies of emails sent more than EMAIL_BODY_RETENTION_HOURS ago, deletes email_messages rows older than
// EMAIL_LOG_RETENTION_DAYS, and records the counts in system_logs. Skipped when another cleanup holds the lock: it deletes the same rows.
import { runCleanup } from '../../domain/cleanup/run-cleanup';
import { defineJob } from '../define';
import type { JobDeps } from './deps';
import { JOB_PRIORITY } from './priorities';

export const AUDIT_CLEANUP_CRON = '0 3 * * *';

export function auditCleanup(deps: JobDeps) {
  return defineJob({ id: 'audit-cleanup', priority: JOB_PRIORITY.maintenance, trigger: { cron: AUDIT_CLEANUP_CRON } }, async ({ step }) =>
    step.run('delete-old-logs', async () => {
      const counts = await runCleanup(deps.db, { logs: true, documents: false, now: deps.now(), exclusive: deps.exclusive, source: 'audit-cleanup', emailRetention: deps.emailRetention });
      return counts ?? { skipped: 'another cleanup is running' };
    }),
  );
}
