// Reports a job that failed for good to Sentry, once, tagged with what an operator filters by. The job core knows
// nothing of Sentry: providers call the failure hook the runtime gives them, and the runtime calls this.
import * as Sentry from '@sentry/core';
import type { FailedJobReport } from '../jobs/failure-report';
import { isSentryEnabled } from './sentry';

export type ProviderName = 'local' | 'bullmq' | 'inngest';

export function jobFailureTags(report: FailedJobReport, provider: ProviderName): Record<string, string> {
  return {
    'job.id': report.jobId,
    'job.definition': report.definitionId,
    'job.attempt': String(report.attempts),
    'job.provider': provider,
  };
}

export async function reportJobFailureToSentry(report: FailedJobReport, provider: ProviderName): Promise<void> {
  if (!isSentryEnabled()) return;
  const tags = jobFailureTags(report, provider);
  if (provider === 'inngest') {
    // @inngest/middleware-sentry captures the run's final error itself, inside the run's isolation scope, right
    // after this hook returns. The tags go on that scope so its one event carries them; capturing here too would
    // send two.
    Sentry.getIsolationScope().setTags(tags);
    return;
  }
  Sentry.captureException(storedError(report.error), { tags });
  // Serverless functions may freeze once they answer: send now. Failures are rare, so the wait costs little.
  await Sentry.flush(2000);
}

/** The failure as stored (`Name: message\n    at …`), back as an Error whose stack Sentry parses into frames. */
function storedError(stored: string): Error {
  const firstLine = stored.split('\n', 1)[0] ?? stored;
  const match = /^([A-Za-z_$][\w$]*): ([\s\S]*)$/.exec(firstLine);
  const error = new Error(match ? match[2] : firstLine);
  if (match) error.name = match[1]!;
  error.stack = stored;
  return error;
}
