import { afterAll, describe, expect, it } from 'vitest';
import type { SqlClient } from '../../src/db/client';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

const EXPECTED_TABLES = [
  'api_keys',
  'audit_logs',
  'background_job_rate_log',
  'background_job_stats',
  'background_job_stats_progress',
  'background_job_tasks',
  'background_jobs',
  'documents',
  'email_messages',
  'event_outbox',
  'job_alert_state',
  'rate_limits',
  'recipients',
  'system_logs',
  'user_tokens',
  'users',
  'webhook_deliveries',
  'webhooks',
];

async function describeSchema(sql: SqlClient) {
  const columns = await sql.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
    `select table_name, column_name, data_type, is_nullable from information_schema.columns
      where table_schema = 'public' order by table_name, column_name`,
  );
  const indexes = await sql.query<{ indexname: string; indexdef: string }>(
    `select indexname, indexdef from pg_indexes where schemaname = 'public' order by indexname`,
  );
  return { columns, indexes };
}

describe('migrations', () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const database of databases) await database.drop();
  });

  it('give PGlite and real PostgreSQL the same tables, columns and indexes', async () => {
    const pglite = await createTestDatabase('pglite');
    const postgres = await createTestDatabase('postgres');
    databases.push(pglite, postgres);
    const [embedded, server] = await Promise.all([describeSchema(pglite.handle.sql), describeSchema(postgres.handle.sql)]);

    expect([...new Set(server.columns.map((column) => column.table_name))]).toEqual(EXPECTED_TABLES);
    expect(embedded.columns).toEqual(server.columns);
    expect(embedded.indexes).toEqual(server.indexes);
    expect(server.indexes.map((index) => index.indexname)).toContain('background_jobs_pending_priority_idx');
  });

  // Migration 0015 replaced the memos' foreign key (ON DELETE CASCADE) by a statement trigger: any DELETE of jobs,
  // the API's or an operator's by hand, takes their memos with it, on both drivers.
  it.each(['pglite', 'postgres'] as const)('delete the memos of deleted jobs on %s', async (driver) => {
    const database = await createTestDatabase(driver);
    databases.push(database);
    const { sql } = database.handle;
    const jobs = await sql.query<{ id: string }>(
      `insert into background_jobs (job_id, event_name, payload, max_attempts)
       select 'memo-owner', 'test/event', '{}', 1 from generate_series(1, 3) returning id::text as id`,
    );
    const ids = jobs.map((job) => job.id);
    await sql.query(
      `insert into background_job_tasks (job_id, step_id, status) select id, s, 'COMPLETED' from unnest($1::bigint[]) id, unnest(array['a', 'b']) s`,
      [ids],
    );
    await sql.query('delete from background_jobs where id = any($1::bigint[])', [ids.slice(0, 2)]);
    const left = await sql.query<{ job_id: string; step_id: string }>('select job_id::text as job_id, step_id from background_job_tasks order by step_id');
    expect(left).toEqual([
      { job_id: ids[2], step_id: 'a' },
      { job_id: ids[2], step_id: 'b' },
    ]);
  });
});
