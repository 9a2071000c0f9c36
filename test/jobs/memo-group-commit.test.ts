import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlExecutor } from '../../src/db/client';
import { MemoWriter, type FencedJob } from '../../src/jobs/providers/postgres-store/memo-writer';
import { createTestDatabase, type TestDatabase, type TestDriver } from '../helpers/database';

// Step memos share commits across concurrent jobs (group commit), and each step still waits for its own memo.
describe.each(['postgres', 'pglite'] as TestDriver[])('memo group commit: %s', (driver) => {
  let database: TestDatabase;
  const statements: string[] = [];
  let writer: MemoWriter;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    // Counts the statements the writer sends: the observable difference between one commit per memo and a group.
    const counting: SqlExecutor = {
      query: (text, params, name) => {
        statements.push(name ?? text);
        return database.handle.sql.query(text, params, name);
      },
    };
    writer = new MemoWriter(counting);
  });
  afterAll(() => database.drop());

  async function processingJobs(count: number): Promise<FencedJob[]> {
    const rows = await database.handle.sql.query<{ id: string; lock_token: string }>(
      `insert into background_jobs (job_id, event_name, payload, status, max_attempts, attempts, lock_token)
       select 'memo-test', 'test/memo', '{}'::jsonb, 'PROCESSING', 3, 1, gen_random_uuid() from generate_series(1, $1)
       returning id::text as id, lock_token::text as lock_token`,
      [count],
    );
    return rows.map((row) => ({ id: row.id, lockToken: row.lock_token }));
  }

  const memoRows = async (jobs: FencedJob[]) =>
    database.handle.sql.query<{ job_id: string; step_id: string; status: string; output: unknown; error: string | null }>(
      `select job_id::text as job_id, step_id, status, output, error from background_job_tasks where job_id = any($1::bigint[]) order by background_job_tasks.job_id, step_id`,
      [jobs.map((job) => job.id)],
    );

  it('writes the memos of 50 jobs saved together in fewer statements than memos, every one committed', async () => {
    const jobs = await processingJobs(50);
    statements.length = 0;
    const saved = await Promise.all(
      jobs.map((job, index) => writer.save(job, 'one', { status: 'COMPLETED', output: { index } }, { startedAt: new Date(), durationMs: 1 })),
    );
    expect(saved).toEqual(jobs.map(() => true));
    expect(statements.filter((name) => name === 'memos_save').length).toBeLessThan(jobs.length);
    const rows = await memoRows(jobs);
    expect(rows.map((row) => row.output)).toEqual(jobs.map((_, index) => ({ index })));
  });

  it('resolves a save only once its row is visible to every other connection', async () => {
    const [job] = await processingJobs(1);
    const saving = writer.save(job!, 'durable', { status: 'COMPLETED', output: 'done' });
    expect(await saving).toBe(true);
    // Read on the pool (another connection than the one that may have written): committed, not merely sent.
    expect(await memoRows([job!])).toEqual([expect.objectContaining({ step_id: 'durable', output: 'done' })]);
  });

  it('refuses the memo of a job no longer held (fence) without refusing the others in its statement', async () => {
    const [held, lost] = await processingJobs(2);
    const stale = { id: lost!.id, lockToken: randomUUID() };
    const results = await Promise.all([
      writer.save(held!, 'step', { status: 'COMPLETED', output: 1 }),
      writer.save(stale, 'step', { status: 'COMPLETED', output: 2 }),
    ]);
    expect(results).toEqual([true, false]);
    expect((await memoRows([held!, lost!])).map((row) => row.job_id)).toEqual([held!.id]);
  });

  it('never overwrites a COMPLETED memo, and records a FAILED one over a FAILED one', async () => {
    const [job] = await processingJobs(1);
    expect(await writer.save(job!, 'failing', { status: 'FAILED', error: 'first' })).toBe(true);
    expect(await writer.save(job!, 'failing', { status: 'FAILED', error: 'second' })).toBe(true);
    expect(await writer.save(job!, 'failing', { status: 'COMPLETED', output: 'ok' })).toBe(true);
    expect(await writer.save(job!, 'failing', { status: 'COMPLETED', output: 'changed' })).toBe(false);
    expect(await memoRows([job!])).toEqual([expect.objectContaining({ status: 'COMPLETED', output: 'ok', error: null })]);
  });

  it('fails only the memo the database refuses when it shares a statement with others', async () => {
    const jobs = await processingJobs(3);
    // jsonb refuses NUL in an object key (values are rewritten to U+FFFD; keys cannot be).
    const results = await Promise.allSettled([
      writer.save(jobs[0]!, 'step', { status: 'COMPLETED', output: 'fine' }),
      writer.save(jobs[1]!, 'step', { status: 'COMPLETED', output: { 'bad\u0000key': 1 } }),
      writer.save(jobs[2]!, 'step', { status: 'COMPLETED', output: 'also fine' }),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await memoRows(jobs)).map((row) => row.output)).toEqual(['fine', 'also fine']);
  });

  it('writes two saves of the same step in one turn one after the other (one statement cannot upsert a row twice)', async () => {
    const [job] = await processingJobs(1);
    const results = await Promise.all([
      writer.save(job!, 'twice', { status: 'FAILED', error: 'a' }),
      writer.save(job!, 'twice', { status: 'COMPLETED', output: 'b' }),
    ]);
    expect(results).toEqual([true, true]);
    expect(await memoRows([job!])).toEqual([expect.objectContaining({ status: 'COMPLETED', output: 'b' })]);
  });
});
