// The outbox relay of a long-lived process (the web process, `npm run worker`) on a provider that enqueues outside
// the database: every few seconds it sends what a change could not hand the provider when it committed
// (src/jobs/event-outbox.ts). On Vercel, /api/cron/tick relays instead.
import { relayOutbox } from './jobs/event-outbox';
import type { Runtime } from './runtime';

/** How often the relay looks for rows still owed: a provider outage delays jobs by about this much past its end. */
const RELAY_INTERVAL_MS = 5_000;

/** One relay pass through this process's job client: the timer's and /api/cron/tick's. */
export function relayOwedEvents(runtime: Runtime): Promise<{ sent: number; failed: number }> {
  return relayOutbox(runtime.database.db, (events) => runtime.jobs.dispatch(events as never), runtime.logger);
}

/**
 * The timer's pass, skipped while this process cannot reach the provider (BullMQ: Redis does not answer PING): it
 * would lock each due row through a send bound to fail (5 s for BullMQ), while a process that can reach it waits.
 */
async function relayIfProviderReady(runtime: Runtime): Promise<{ sent: number; failed: number }> {
  const ready = await runtime.provider.checkReadiness().then(
    (readiness) => readiness.ready,
    () => false,
  );
  return ready ? relayOwedEvents(runtime) : { sent: 0, failed: 0 };
}

export function startOutboxRelay(runtime: Runtime, signal: AbortSignal): void {
  if (runtime.provider.supportsTransactionalDispatch) return;
  let running = false;
  const timer = setInterval(() => {
    if (running || signal.aborted) return;
    running = true;
    void relayIfProviderReady(runtime)
      .then(({ sent }) => {
        if (sent) runtime.logger.info({ sent }, 'outbox relay: sent events the job provider could not take earlier');
      })
      .catch((error: unknown) => runtime.logger.warn({ err: error }, 'outbox relay failed; will try again'))
      .finally(() => (running = false));
  }, RELAY_INTERVAL_MS);
  timer.unref?.();
  signal.addEventListener('abort', () => clearInterval(timer), { once: true });
}
