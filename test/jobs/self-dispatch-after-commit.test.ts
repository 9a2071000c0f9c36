// Serverless mode: a job enqueued inside the caller's transaction is announced to /api/jobs/run only once that
// transaction has committed, so the call finds the row (it used to fire inside the transaction and meet a 404),
// and a rolled-back change announces nothing. The receiver plays /api/jobs/run and looks the job up at the moment
// it is called, from its own connection.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/transaction-scope';
import { JobClient } from '../../src/jobs/client';
import { silentLogger } from '../../src/jobs/logger';
import { LocalProvider } from '../../src/jobs/providers/local/local-provider';
import { JobRegistry } from '../../src/jobs/registry';
import { testDefinitions, testEvents } from '../fixtures/test-jobs';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { waitFor } from '../helpers/wait-for';

interface Call {
  jobId: string;
  /** Whether the job's row was visible to another connection when the call arrived. */
  visible: boolean;
}

describe('serverless self-dispatch and the caller’s transaction', () => {
  let database: TestDatabase;
  let server: http.Server;
  let client: JobClient<Record<string, unknown>>;
  const calls: Call[] = [];
  let onCall: (() => void) | undefined;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    server = http.createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const { jobId } = JSON.parse(Buffer.concat(chunks).toString()) as { jobId: string };
      const rows = await database.handle.sql.query('select 1 from background_jobs where id = $1', [jobId]);
      calls.push({ jobId, visible: rows.length === 1 });
      onCall?.();
      response.writeHead(rows.length ? 200 : 404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const registry = new JobRegistry(testEvents, testDefinitions);
    const provider = new LocalProvider({
      database: database.handle,
      registry,
      mode: 'serverless',
      concurrency: 2,
      leaseMs: 5000,
      pollIntervalMs: 1000,
      retentionDays: 1,
      logger: silentLogger,
      onFailure: async () => {},
      selfDispatch: { baseUrl, secret: 'x'.repeat(32) },
    });
    client = new JobClient(registry, provider);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await database.drop();
  });

  it('calls /api/jobs/run once, after the commit, for a job enqueued inside a transaction', async () => {
    const ids = await inTransaction(database.handle.db, async (tx) => {
      const { ids } = await client.dispatch({ name: 'test/noop', data: { key: 'committed' } }, { tx });
      // Keep the transaction open long enough for a premature call to arrive and look (a bound, not a wait for
      // success: with the call correctly deferred, nothing arrives while we are inside).
      await new Promise<void>((resolve) => {
        onCall = resolve;
        setTimeout(resolve, 500);
      });
      return ids;
    });
    await waitFor(() => calls.some((call) => call.jobId === ids[0]), { what: 'the self-dispatch call' });
    expect(calls.filter((call) => call.jobId === ids[0])).toEqual([{ jobId: ids[0], visible: true }]);
  });

  it('announces nothing for a rolled-back transaction', async () => {
    let rolledBackId: string | undefined;
    await expect(
      inTransaction(database.handle.db, async (tx) => {
        rolledBackId = (await client.dispatch({ name: 'test/noop', data: { key: 'rolled-back' } }, { tx })).ids[0];
        throw new Error('the domain change failed');
      }),
    ).rejects.toThrow('the domain change failed');
    // A committed dispatch after it: once its call has arrived, a call for the rolled-back job would have too.
    const { ids } = await inTransaction(database.handle.db, (tx) => client.dispatch({ name: 'test/noop', data: { key: 'after' } }, { tx }));
    await waitFor(() => calls.some((call) => call.jobId === ids[0]), { what: 'the later self-dispatch call' });
    expect(calls.filter((call) => call.jobId === rolledBackId)).toEqual([]);
  });
});
