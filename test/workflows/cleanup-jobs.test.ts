// The nightly cleanups as cron jobs on the worker, driven by the injected clock: audit-cleanup and
// document-cleanup delete what is past retention and record their counts in system_logs.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppHarness } from '../helpers/app-harness';
import { DAY } from '../helpers/test-clock';

let app: AppHarness;

beforeAll(async () => {
  app = await startApp();
  // The worker enqueued today's slots when it started; let them finish before seeding.
  await app.jobsSettled();
});
afterEach(() => expect(app.failures).toEqual([]));
afterAll(() => app.close());

const sql = (text: string, params: unknown[] = []) => app.database.handle.sql.query(text, params);

describe('cleanup cron jobs', () => {
  it('run at their slots and log how much they deleted', async () => {
    const [owner] = await sql(`insert into users (email) values ('cleanup-owner@example.com') returning id`);
    // Ages relative to the clock after it moves forward two days below.
    await sql(`insert into audit_logs (type, created_at) select 'old', now() - interval '89 days' from generate_series(1, 12)`);
    await sql(`insert into system_logs (level, source, message, created_at) values ('info', 'test', 'old', now() - interval '89 days')`);
    await sql(
      `with doc as (insert into documents (owner_id, title, deleted_at) values ($1, 'gone', now() - interval '29 days') returning id)
       insert into recipients (document_id, email) select id, 'r@example.com' from doc`,
      [owner!.id],
    );
    await sql(`delete from system_logs where source in ('audit-cleanup', 'document-cleanup')`);

    app.clock.advance(2 * DAY);
    const slots = await app.worker!.scheduler.tick();
    expect(slots.map((slot) => slot.definitionId).sort()).toEqual(['audit-cleanup', 'document-cleanup', 'expire-recipients-sweep', 'job-health-alerts']);
    await app.jobsSettled();

    const logs = await sql(`select source, data from system_logs where source in ('audit-cleanup', 'document-cleanup') order by source`);
    expect(logs).toEqual([
      { source: 'audit-cleanup', data: { auditLogs: 12, systemLogs: 1, emailBodies: 0, emails: 0 } },
      { source: 'document-cleanup', data: { documents: 1, recipients: 1 } },
    ]);
    expect(await sql(`select 1 from audit_logs where type = 'old'`)).toEqual([]);
    expect(await sql(`select 1 from recipients`)).toEqual([]);
  });
});
