// The transactional outbox for providers that enqueue outside the database (BullMQ in Redis, Inngest in its cloud).
// A change and the events it owes commit together: the events are a row of event_outbox written in the change's
// transaction. Right after the commit they are sent and the row deleted; if the provider is down, the row stays and
// the relay (every few seconds in long-lived processes, and on /api/cron/tick) sends it once the provider answers.
// So a provider outage delays jobs, and never leaves a change committed whose jobs will never exist (a sign-up
// without its verification email, answered 500, whose retry is a 409). Every event carries an id (its own, or one
// given here), and both providers deduplicate by it: a row sent twice (a crash between send and delete) starts
// nothing twice.
import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, lte, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { eventOutbox } from '../db/schema';
import { backoffDelayMs } from './backoff';
import type { JobLogger } from './logger';
import type { JobRegistry } from './registry';

export interface OutboxEvent {
  name: string;
  data: unknown;
  id: string;
}

export interface OutboxRow {
  id: number;
  events: OutboxEvent[];
}

/** Sends events to the provider (JobClient.dispatch); rejects when the provider did not take them. */
export type SendEvents = (events: OutboxEvent[]) => Promise<unknown>;

/** Retries of a row that could not be sent: 1 s doubling to 5 min (jittered), for as long as it takes. */
const RETRY_BACKOFF = { baseMs: 1000, maxMs: 5 * 60_000 };
/**
 * How long a new row is left to the request that wrote it, which sends it right after its commit (BullMQ gives up
 * after 5 s, Inngest's SDK after its retries): a relay taking it meanwhile would send it a second time (harmless,
 * the ids deduplicate, but a wasted send and a misleading failure record). A failed send makes it due again after
 * the backoff; a process that died between commit and send leaves it to the relay after this long.
 */
const LEFT_TO_ITS_REQUEST_MS = 30_000;
/** Rows one relay pass sends at most (each one dispatch call). */
const RELAY_BATCH = 100;

/**
 * Validates the events (a bad one throws here, inside the transaction, so the change rolls back) and writes them in
 * the caller's transaction `tx`. Returns the row to send once the transaction has committed.
 */
export async function writeOutbox(tx: Database, registry: JobRegistry, events: ReadonlyArray<{ name: string; data?: unknown; id?: string }>): Promise<OutboxRow> {
  const validated = registry.validate(events);
  const withIds = validated.map((event, index) => ({ name: event.name, data: event.data, id: events[index]!.id ?? `outbox:${randomUUID()}` }));
  const [row] = await tx
    .insert(eventOutbox)
    .values({ events: withIds, nextAttemptAt: sql`now() + ${LEFT_TO_ITS_REQUEST_MS} * interval '1 millisecond'` })
    .returning({ id: eventOutbox.id });
  return { id: row!.id, events: withIds };
}

/** Sends one row now: deleted when the provider took it, else kept for the relay with the error. Never throws. */
export async function sendOutboxRow(db: Database, row: OutboxRow, send: SendEvents, logger: JobLogger): Promise<boolean> {
  try {
    await send(row.events);
  } catch (error) {
    logger.warn({ err: error, outboxId: row.id, events: row.events.map((event) => event.name) }, 'the job provider did not take these events; they stay in the outbox and are sent once it answers');
    await recordFailure(db, row.id, error).catch((recordError: unknown) => logger.error({ err: recordError, outboxId: row.id }, 'could not record the outbox failure'));
    return false;
  }
  await db.delete(eventOutbox).where(eq(eventOutbox.id, row.id));
  return true;
}

/**
 * Sends the due rows, oldest first, each locked while it is sent (FOR UPDATE SKIP LOCKED: relays in several
 * processes share the work and never send a row at the same time). Returns how many were sent and how many failed.
 */
export async function relayOutbox(db: Database, send: SendEvents, logger: JobLogger): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  // In id order past a cursor: one pass takes each row at most once, however long a failing send takes.
  let after = 0;
  for (let index = 0; index < RELAY_BATCH; index++) {
    const outcome = await db.transaction(async (tx) => {
      const [row] = await tx
        .select({ id: eventOutbox.id, events: eventOutbox.events })
        .from(eventOutbox)
        .where(and(gt(eventOutbox.id, after), lte(eventOutbox.nextAttemptAt, sql`now()`)))
        .orderBy(asc(eventOutbox.id))
        .limit(1)
        .for('update', { skipLocked: true });
      if (!row) return 'none' as const;
      after = row.id;
      try {
        await send(row.events as OutboxEvent[]);
      } catch (error) {
        logger.warn({ err: error, outboxId: row.id }, 'outbox relay: the job provider did not take the events; will try again');
        await recordFailure(tx, row.id, error);
        return 'failed' as const;
      }
      await tx.delete(eventOutbox).where(eq(eventOutbox.id, row.id));
      return 'sent' as const;
    });
    if (outcome === 'none') break;
    if (outcome === 'sent') sent += 1;
    else failed += 1;
  }
  return { sent, failed };
}

async function recordFailure(db: Database, id: number, error: unknown): Promise<void> {
  const [row] = await db.select({ attempts: eventOutbox.attempts }).from(eventOutbox).where(eq(eventOutbox.id, id));
  const attempts = (row?.attempts ?? 0) + 1;
  const delayMs = backoffDelayMs(attempts, RETRY_BACKOFF);
  await db
    .update(eventOutbox)
    .set({ attempts, lastError: error instanceof Error ? error.message : String(error), nextAttemptAt: sql`now() + ${delayMs} * interval '1 millisecond'` })
    .where(eq(eventOutbox.id, id));
}
