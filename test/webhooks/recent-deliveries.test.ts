// The operators' dashboard lists the newest delivery attempts across every endpoint. It must read them newest first
// through the created_at index, not sort the whole table: deliveries pile up with every webhook sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users, webhooks } from '../../src/db/schema';
import { listRecentDeliveries } from '../../src/domain/webhooks/list-recent-deliveries';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

const DELIVERIES = 5_000;

describe('recent webhook deliveries (PostgreSQL)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const { db, sql } = database.handle;
    const [user] = await db.insert(users).values({ email: 'support@example.com' }).returning();
    const [webhook] = await db
      .insert(webhooks)
      .values({ ownerId: user!.id, url: 'https://hooks.example.com/in', secret: 'whsec_c3VwcG9ydA==', events: ['document.completed'] })
      .returning();
    // Every tenth attempt failed (a 500); attempt n was made n seconds after the first.
    await sql.query(
      `insert into webhook_deliveries (webhook_id, event, message_id, payload, attempt, status_code, duration_ms, created_at)
       select $1, 'document.completed', 'msg_' || n, '{}'::jsonb, 1, case when n % 10 = 0 then 500 else 200 end, 12,
              timestamptz '2026-12-01T00:00:00Z' + n * interval '1 second'
         from generate_series(1, $2) as n`,
      [webhook!.id, DELIVERIES],
    );
    await sql.query('analyze webhook_deliveries');
  });
  afterAll(() => database.drop());

  it('returns the newest attempts first, all of them or only the failed ones', async () => {
    const newest = await listRecentDeliveries(database.handle.db, { limit: 3 });
    expect(newest.map((row) => row.messageId)).toEqual([`msg_${DELIVERIES}`, `msg_${DELIVERIES - 1}`, `msg_${DELIVERIES - 2}`]);
    expect(newest[0]).toMatchObject({ url: 'https://hooks.example.com/in', succeeded: false });
    const failed = await listRecentDeliveries(database.handle.db, { outcome: 'failed', limit: 2 });
    expect(failed.map((row) => row.messageId)).toEqual([`msg_${DELIVERIES}`, `msg_${DELIVERIES - 10}`]);
  });

  it('reads them through the created_at index instead of sorting the table', async () => {
    const { sql } = database.handle;
    const rows = await sql.query<{ 'QUERY PLAN': string }>(
      `explain select d.id from webhook_deliveries d join webhooks w on w.id = d.webhook_id order by d.created_at desc limit 100`,
    );
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(plan).toContain('Index Scan Backward using webhook_deliveries_created_at_idx');
    expect(plan).not.toMatch(/Sort|Seq Scan on webhook_deliveries/);
  });
});
