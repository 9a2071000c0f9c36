// The operators' queries (LocalInspector, what /admin/jobs, `npm run jobs` and /api/health/jobs run) against a
// background_jobs table of `rows` jobs: the shape retention leaves behind (JOBS_RETENTION_DAYS = 7, so finished
// jobs spread over the last 7 days), 12 definitions of uneven volume, ~2% failed, a few hundred pending and running.
// Each query runs `repeats` times after one warm-up; the report gives the median and the slowest.
import type { DatabaseHandle } from '../../src/db/client';
import type { JobInspector } from '../../src/jobs/providers/inspection';
import { LocalInspector } from '../../src/jobs/providers/local/local-inspector';
import { rollUpJobStats } from '../../src/jobs/providers/local/sql/job-stats';

export interface QueryTiming {
  readonly query: string;
  readonly medianMs: number;
  readonly maxMs: number;
  readonly rows: number;
}

export interface InspectorResult {
  readonly rows: number;
  readonly seedMs: number;
  /** The first roll-up of the seeded week (what a scheduler's ticks do an hour at a time). */
  readonly rollUpMs: number;
  readonly rolledUpHours: number;
  readonly timings: QueryTiming[];
}

/** Twelve definitions; the first carries most of the volume, the last almost none (the hard filter to page). */
const DEFINITIONS = [
  'send-signing-email',
  'deliver-webhook',
  'email-send-batch',
  'document-completed',
  'document-rejected',
  'send-verification-email',
  'send-password-reset-email',
  'expire-recipients-sweep',
  'cleanup-documents',
  'audit-log-cleanup',
  'job-health-alerts',
  'rare-definition',
];

const SEED = `
  insert into background_jobs (job_id, event_name, payload, status, attempts, max_attempts, priority, run_at, created_at,
                               started_at, completed_at, last_error, locked_until)
  select d.job_id, d.job_id, jsonb_build_object('documentId', 'doc-' || g), s.status,
         case when s.status = 'FAILED' then 3 when g % 20 = 0 then 2 else 1 end, 3, 0, t.at, t.at,
         case when s.status = 'PENDING' then null else t.at + interval '5 ms' end,
         case when s.status in ('COMPLETED', 'FAILED') then t.at + ((g % 400) + 5) * interval '1 ms' end,
         case when s.status = 'FAILED' then 'Error: receiver answered 500' end,
         case when s.status = 'PROCESSING' then now() + interval '30 s' end
    from generate_series(1, $1::int) as g
   cross join lateral (select now() - interval '7 days' + (g::float8 / $1) * interval '7 days' as at) t
   -- Uneven volume: definition i gets about 2^-(i+1) of the jobs; the last one a few hundred.
   cross join lateral (select (array[${DEFINITIONS.map((d) => `'${d}'`).join(', ')}])[
            least(${DEFINITIONS.length}, 1 + floor(-ln(greatest(1e-9, (hashint4(g)::float8 + 2147483648) / 4294967296)) / ln(2)))::int
          ] as job_id) d
   cross join lateral (select case when g > $1 - 300 then (case when g % 3 = 0 then 'PROCESSING' else 'PENDING' end)
                                   when g % 50 = 7 then 'FAILED' else 'COMPLETED' end as status) s`;

export async function measureInspectorAtScale(database: DatabaseHandle, rows: number, repeats = 7): Promise<InspectorResult> {
  const seedStartedAt = performance.now();
  for (let done = 0; done < rows; done += 250_000) {
    // Each chunk covers its own slice of the week (ids ascend with created_at, as inserts do).
    await database.sql.query(SEED.replaceAll('generate_series(1, $1::int)', `generate_series(${done + 1}, ${Math.min(rows, done + 250_000)})`), [rows]);
  }
  await database.sql.query('vacuum analyze background_jobs');
  const seedMs = performance.now() - seedStartedAt;

  const inspector: JobInspector = new LocalInspector(database);
  const firstPage = await inspector.list({}, { limit: 50 });
  const middleCursor = String(Math.floor(rows / 2));
  const queries: Array<[string, () => Promise<number>]> = [
    ['list: newest 50', async () => (await inspector.list({}, { limit: 50 })).jobs.length],
    ['list: page 2 (keyset cursor)', async () => (await inspector.list({}, { limit: 50, cursor: firstPage.nextCursor })).jobs.length],
    ['list: 50 from the middle of the table (cursor)', async () => (await inspector.list({}, { limit: 50, cursor: middleCursor })).jobs.length],
    ['filter: status FAILED', async () => (await inspector.list({ status: 'FAILED' }, { limit: 50 })).jobs.length],
    ['filter: status FAILED, page from the middle', async () => (await inspector.list({ status: 'FAILED' }, { limit: 50, cursor: middleCursor })).jobs.length],
    ['filter: definition send-signing-email', async () => (await inspector.list({ definition: 'send-signing-email' }, { limit: 50 })).jobs.length],
    ['filter: definition rare-definition (few rows)', async () => (await inspector.list({ definition: 'rare-definition' }, { limit: 50 })).jobs.length],
    ['filter: definition absent-definition (no rows)', async () => (await inspector.list({ definition: 'absent-definition' }, { limit: 50 })).jobs.length],
    ['filter: FAILED + deliver-webhook', async () => (await inspector.list({ status: 'FAILED', definition: 'deliver-webhook' }, { limit: 50 })).jobs.length],
    ['filter: PENDING', async () => (await inspector.list({ status: 'PENDING' }, { limit: 50 })).jobs.length],
    ['search: by id', async () => (await inspector.list({ id: middleCursor }, { limit: 50 })).jobs.length],
    ['detail: get(id)', async () => ((await inspector.get(middleCursor)) ? 1 : 0)],
    ['counts per status', async () => Object.keys(await inspector.counts()).length],
    ['metrics: 1 h window', async () => (await inspector.metrics({ windowMs: 3_600_000 })).perDefinition.length],
    ['metrics: 24 h window', async () => (await inspector.metrics({ windowMs: 86_400_000 })).perDefinition.length],
    ['metrics: 7 d window', async () => (await inspector.metrics({ windowMs: 7 * 86_400_000 })).perDefinition.length],
    ['queue health', async () => (await inspector.queueHealth()).depth],
  ];

  const timings: QueryTiming[] = [];
  const measure = async (query: string, run: () => Promise<number>) => {
    let count = await run();
    const samples: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const startedAt = performance.now();
      count = await run();
      samples.push(performance.now() - startedAt);
    }
    samples.sort((a, b) => a - b);
    timings.push({ query, medianMs: samples[Math.floor(samples.length / 2)]!, maxMs: samples.at(-1)!, rows: count });
  };
  // Metrics before any roll-up (a database no scheduler has ticked on: every finished row read), then after.
  await measure('metrics: 7 d window, before any roll-up (all raw rows)', async () => (await inspector.metrics({ windowMs: 7 * 86_400_000 })).perDefinition.length);
  const rollUpStartedAt = performance.now();
  const rolledUpHours = await rollUpJobStats(database.sql);
  const rollUpMs = performance.now() - rollUpStartedAt;
  for (const [query, run] of queries) await measure(query, run);
  return { rows, seedMs, rollUpMs, rolledUpHours, timings };
}
