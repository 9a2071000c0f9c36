// Hourly (UTC): finds recipients whose signing window has passed. The sweep body (mark expired, notify the owner,
// recipient.expired webhook) arrives with the document workflows; until then it records each run.
import { defineJob } from '../define';
import { writeSystemLog } from '../../domain/logs/write-system-log';
import type { JobDeps } from './deps';

export const EXPIRE_RECIPIENTS_CRON = '0 * * * *';

export function expireRecipientsSweep(deps: JobDeps) {
  return defineJob({ id: 'expire-recipients-sweep', trigger: { cron: EXPIRE_RECIPIENTS_CRON } }, async ({ event, step }) => {
    await step.run('record-run', () =>
      writeSystemLog(deps.db, { level: 'info', source: 'expire-recipients-sweep', message: 'sweep ran', data: event.data }),
    );
  });
}
