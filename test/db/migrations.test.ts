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
});
