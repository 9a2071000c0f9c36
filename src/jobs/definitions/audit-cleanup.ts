// Daily at 03:00 UTC: deletes audit and system logs past retention. The batched delete arrives with the document
// workflows; until then it records each run.
import { defineJob } from '../define';
import { writeSystemLog } from '../../domain/logs/write-system-log';
import type { JobDeps } from './deps';

export const AUDIT_CLEANUP_CRON = '0 3 * * *';

export function auditCleanup(deps: JobDeps) {
  return defineJob({ id: 'audit-cleanup', trigger: { cron: AUDIT_CLEANUP_CRON } }, async ({ event, step }) => {
    await step.run('record-run', () =>
      writeSystemLog(deps.db, { level: 'info', source: 'audit-cleanup', message: 'cleanup ran', data: event.data }),
    );
  });
}
