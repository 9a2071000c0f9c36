// The outbox between a committed change and a provider that enqueues outside the database, with real parts: BullMQ
// on a Redis port nothing listens on (the provider is down when the change commits), then on the real Redis (it is
// back). The events wait in event_outbox with the error, the relay sends them once, and a second send (a crash
// between send and delete) creates no second job: every event carries an id the provider deduplicates by.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JobClient } from '../../src/jobs/client';
import { defineJob, type JobDefinition } from '../../src/jobs/define';
import { defineEvent } from '../../src/jobs/event-type';
import { relayOutbox, sendOutboxRow, writeOutbox, type OutboxEvent } from '../../src/jobs/event-outbox';
import { silentLogger } from '../../src/jobs/logger';
import { BullmqProvider } from '../../src/jobs/providers/bullmq/bullmq-provider';
import { JobRegistry } from '../../src/jobs/registry';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { redisUrl } from '../helpers/services';

const signedUp = defineEvent('outbox/signed-up', z.object({ userId: z.string() }));
const definitions = [defineJob({ id: 'outbox-welcome', trigger: { event: signedUp } }, async () => 'sent')] as JobDefinition<never>[];
const registry = new JobRegistry([signedUp], definitions);

let database: TestDatabase;
const prefix = `outbox-${randomBytes(4).toString('hex')}`;
const providers: BullmqProvider[] = [];

function clientOn(url: string): JobClient {
  const provider = new BullmqProvider({ redisUrl: url, prefix, concurrency: 1, database: database.handle, registry, logger: silentLogger, onFailure: async () => {}, retentionDays: 1 });
  providers.push(provider);
  return new JobClient(registry, provider);
}

beforeAll(async () => {
  database = await createTestDatabase('postgres');
});
afterAll(async () => {
  await Promise.all(providers.map((provider) => provider.stop({ timeoutMs: 1000 })));
  await database.drop();
});

const outboxRows = () => database.handle.sql.query<{ id: string; attempts: number; last_error: string | null }>('select id::text as id, attempts, last_error from event_outbox order by id');

describe('the event outbox', () => {
  it('keeps what a down provider could not take, relays it once the provider is back, and never starts a job twice', async () => {
    const { db } = database.handle;
    const down = clientOn('redis://127.0.0.1:1');
    const up = clientOn(redisUrl());
    const send = (client: JobClient) => (events: OutboxEvent[]) => client.dispatch(events as never);

    // The change and its events commit together; the provider is down when they are sent.
    const row = await db.transaction((tx) => writeOutbox(tx, registry, [{ name: 'outbox/signed-up', data: { userId: 'u-1' } }]));
    expect(row.events[0]!.id).toMatch(/^outbox:/);
    expect(await sendOutboxRow(db, row, send(down), silentLogger)).toBe(false);
    const [kept] = await outboxRows();
    expect(kept).toMatchObject({ id: String(row.id), attempts: 1, last_error: expect.any(String) });

    // Due again at once for the test: the relay, with the provider back, sends it and deletes the row.
    await database.handle.sql.query('update event_outbox set next_attempt_at = now()');
    expect(await relayOutbox(db, send(down), silentLogger)).toEqual({ sent: 0, failed: 1 });
    await database.handle.sql.query('update event_outbox set next_attempt_at = now()');
    expect(await relayOutbox(db, send(up), silentLogger)).toEqual({ sent: 1, failed: 0 });
    expect(await outboxRows()).toEqual([]);
    const queue = (up as unknown as { provider: BullmqProvider }).provider.queue('outbox-welcome');
    expect(await queue.count()).toBe(1);

    // Sent again (as after a crash between the send and the delete): BullMQ keeps the one job.
    await up.dispatch(row.events as never);
    expect(await queue.count()).toBe(1);
    expect(await relayOutbox(db, send(up), silentLogger)).toEqual({ sent: 0, failed: 0 });
  });

  it('leaves a new row to the request that wrote it, so a relay meanwhile does not send it too', async () => {
    const { db } = database.handle;
    const sends: string[] = [];
    const counting = async (events: OutboxEvent[]) => void sends.push(...events.map((event) => event.id));
    const row = await db.transaction((tx) => writeOutbox(tx, registry, [{ name: 'outbox/signed-up', data: { userId: 'u-in-flight' } }]));
    // The request is still sending it (BullMQ may take up to 5 s to give up): a relay now finds nothing due.
    expect(await relayOutbox(db, counting, silentLogger)).toEqual({ sent: 0, failed: 0 });
    expect(await sendOutboxRow(db, row, counting, silentLogger)).toBe(true);
    expect(sends).toEqual([row.events[0]!.id]);

    // A process that died between its commit and its send: once the grace has passed, the relay sends the row.
    const orphan = await db.transaction((tx) => writeOutbox(tx, registry, [{ name: 'outbox/signed-up', data: { userId: 'u-orphan' } }]));
    await database.handle.sql.query(`update event_outbox set next_attempt_at = now() - interval '1 second' where id = $1`, [orphan.id]);
    expect(await relayOutbox(db, counting, silentLogger)).toEqual({ sent: 1, failed: 0 });
    expect(sends).toEqual([row.events[0]!.id, orphan.events[0]!.id]);
    expect(await outboxRows()).toEqual([]);
  });

  it('refuses an invalid event inside the transaction, so the change rolls back with it', async () => {
    const { db } = database.handle;
    await expect(db.transaction((tx) => writeOutbox(tx, registry, [{ name: 'outbox/signed-up', data: { userId: 42 } }]))).rejects.toThrow(/Invalid event/);
    expect(await outboxRows()).toEqual([]);
  });
});
