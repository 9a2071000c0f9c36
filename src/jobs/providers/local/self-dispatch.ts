// Serverless mode: after enqueueing, POST a signed {"jobId"} to /api/jobs/run so the job starts in a fresh
// function invocation. The call is fire-and-forget for the caller but kept alive by waitUntil; its failure is
// logged with the cause, and the job is not lost either way: /api/cron/tick (or any worker) runs it later.
import { signJobRequest, SIGNATURE_HEADER } from './signature';
import type { JobLogger } from '../../logger';

export interface SelfDispatchOptions {
  baseUrl: string;
  secret: string;
  logger: JobLogger;
  /** Keeps the request alive after the response is sent (Vercel's waitUntil); without it the promise just runs. */
  waitUntil?: (promise: Promise<unknown>) => void;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

// A network error or a 5xx (a cold start, a deploy in progress) is retried a few times; any other answer is final.
// A job enqueued in a transaction is dispatched only after the commit (TransactionScope.afterCommit), so a 404
// means the job really is unknown there (e.g. INTERNAL_WEBAPP_URL points at another deployment).
const RETRY_DELAYS_MS = [250, 1000, 3000];

export function selfDispatch(jobIds: readonly string[], options: SelfDispatchOptions): void {
  for (const jobId of jobIds) {
    const promise = callRunEndpoint(jobId, options);
    options.waitUntil?.(promise);
  }
}

async function callRunEndpoint(jobId: string, options: SelfDispatchOptions): Promise<void> {
  const url = `${options.baseUrl}/api/jobs/run`;
  const doFetch = options.fetch ?? fetch;
  for (let attempt = 0; ; attempt++) {
    let cause: string;
    try {
      const body = JSON.stringify({ jobId });
      const response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signJobRequest(options.secret, body) },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      await response.body?.cancel();
      if (response.ok) return;
      cause = `HTTP ${response.status}`;
      if (response.status < 500) {
        options.logger.warn({ jobId, url, cause }, 'self-dispatch refused; the job will run on the next cron tick or worker poll');
        return;
      }
    } catch (error) {
      cause = (error as Error).message;
    }
    const delay = RETRY_DELAYS_MS[attempt];
    if (delay === undefined) {
      options.logger.warn({ jobId, url, cause }, 'self-dispatch failed; the job will run on the next cron tick or worker poll');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
