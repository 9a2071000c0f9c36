// GET|POST /api/cron/cleanup over real HTTP: the bearer secret (401), refusal in production without one (503), the
// counts of a real cleanup (200), and ten parallel calls doing the work once.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resetConfig } from '../../src/env';
import { closeRuntime } from '../../src/runtime';
import { CRON_SECRET, startApp, type AppHarness } from '../helpers/app-harness';
import { waitFor } from '../helpers/wait-for';

let app: AppHarness;

beforeAll(async () => {
  app = await startApp({ worker: false });
});
afterAll(() => app.close());

const sql = (text: string, params: unknown[] = []) => app.database.handle.sql.query(text, params);
const cleanup = (method: 'GET' | 'POST', secret?: string) =>
  app.api(method, '/api/cron/cleanup', { headers: secret === undefined ? {} : { authorization: `Bearer ${secret}` } });

async function seed() {
  const [owner] = await sql(`insert into users (email) values ('owner-' || gen_random_uuid() || '@example.com') returning id`);
  await sql(
    `insert into audit_logs (type, created_at) select 'OLD', now() - interval '91 days' from generate_series(1, 25)
     union all select 'RECENT', now() - interval '89 days' from generate_series(1, 5)`,
  );
  await sql(`insert into system_logs (level, source, message, created_at) select 'info', 'test', 'old', now() - interval '100 days' from generate_series(1, 3)`);
  await sql(
    `with docs as (
       insert into documents (owner_id, title, deleted_at)
       select $1, 'doc ' || n, case when n <= 2 then now() - interval '31 days' else now() - interval '29 days' end from generate_series(1, 3) n
       returning id)
     insert into recipients (document_id, email) select id, 'r' || n || '@example.com' from docs, generate_series(1, 2) n`,
    [owner!.id],
  );
}

describe('/api/cron/cleanup', () => {
  it('answers 401 to a missing or wrong secret, on GET and POST, deleting nothing', async () => {
    await seed();
    const answers = await Promise.all([cleanup('GET'), cleanup('POST', 'wrong-secret'), cleanup('GET', `${CRON_SECRET}x`)]);
    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401]);
    expect(await sql(`select 1 from audit_logs where type = 'OLD'`)).toHaveLength(25);
  });

  it('deletes logs past 90 days and documents deleted over 30 days ago, with their recipients, and answers the counts', async () => {
    const answer = await cleanup('POST', CRON_SECRET);
    expect(answer).toEqual({ status: 200, body: { auditLogs: 25, systemLogs: 3, emailBodies: 0, emails: 0, documents: 2, recipients: 4 } });
    expect(await sql(`select type from audit_logs`)).toHaveLength(5);
    expect(await sql(`select 1 from documents`)).toHaveLength(1);
    expect(await sql(`select source, data from system_logs`)).toEqual([
      { source: 'cron-cleanup', data: { auditLogs: 25, systemLogs: 3, emailBodies: 0, emails: 0, documents: 2, recipients: 4 } },
    ]);
    expect((await cleanup('GET', CRON_SECRET)).body).toEqual({ auditLogs: 0, systemLogs: 0, emailBodies: 0, emails: 0, documents: 0, recipients: 0 });
  });

  it('does the work once for ten parallel calls: one runs (200), the others get 409 while it does', async () => {
    await seed();
    await sql(`delete from system_logs where source = 'cron-cleanup'`);
    // Hold one old audit row, so the first cleanup to get the lock stays inside its DELETE until we let go.
    const blocker = new pg.Client({ connectionString: app.database.url });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query(`select id from audit_logs where type = 'OLD' limit 1 for update`);

    const settled: Array<{ status: number; body: unknown }> = [];
    const calls = Array.from({ length: 10 }, () => cleanup('POST', CRON_SECRET).then((answer) => void settled.push(answer)));
    await waitFor(() => settled.length === 9, { what: 'nine calls to be turned away' });
    expect(settled.map((answer) => answer.status)).toEqual(Array(9).fill(409));
    expect(settled[0]!.body).toEqual({ error: 'A cleanup is already running' });

    await blocker.query('commit');
    await blocker.end();
    await Promise.all(calls);
    expect(settled[9]).toEqual({ status: 200, body: { auditLogs: 25, systemLogs: 3, emailBodies: 0, emails: 0, documents: 2, recipients: 4 } });
    expect(await sql(`select 1 from system_logs where source = 'cron-cleanup'`)).toHaveLength(1);
  });

  it('refuses with 503 in production when CRON_SECRET is unset', async () => {
    await closeRuntime();
    vi.stubEnv('NODE_ENV', 'production');
    vi.stubEnv('WEBHOOK_ALLOW_PRIVATE', 'false'); // refused in production
    vi.stubEnv('CRON_SECRET', '');
    resetConfig();
    const answer = await cleanup('GET', 'undefined');
    expect(answer).toEqual({ status: 503, body: { error: 'CRON_SECRET is not set; cron endpoints are disabled' } });
  });
});
