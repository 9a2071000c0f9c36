// Daily at 04:00 UTC (after the audit cleanup): purges documents soft-deleted more than 30 days ago, and their
// recipients, and records the counts in system_logs.
import { runCleanup } from '../../domain/cleanup/run-cleanup';
import { defineJob } from '../define';
import type { JobDeps } from './deps';
import { JOB_PRIORITY } from './priorities';

export const DOCUMENT_CLEANUP_CRON = '0 4 * * *';

export function documentCleanup(deps: JobDeps) {
  return defineJob({ id: 'document-cleanup', priority: JOB_PRIORITY.maintenance, trigger: { cron: DOCUMENT_CLEANUP_CRON } }, async ({ step }) =>
    step.run('purge-deleted-documents', async () => {
      const counts = await runCleanup(deps.db, { logs: false, documents: true, now: deps.now(), exclusive: deps.exclusive, source: 'document-cleanup', emailRetention: deps.emailRetention });
      return counts ?? { skipped: 'another cleanup is running' };
    }),
  );
}
