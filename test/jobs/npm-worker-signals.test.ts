// `npm run worker` as a process manager runs it: SIGTERM goes to the npm process (or to PID 1, whatever it is),
// and must reach the worker, let the job in flight finish and exit 0, with nothing left running. npm 11 forwards
// the signal to its `sh -c` child only; the script execs node so that child is the worker itself (without
// `exec`, dash dies of the signal, npm exits 143, and the worker keeps running as an orphan).
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobClient } from '../../src/jobs/client';
import { defineJob } from '../../src/jobs/define';
import { emailSendRequested } from '../../src/jobs/events';
import { JobRegistry } from '../../src/jobs/registry';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { testLocalProvider } from '../helpers/local-provider';
import { waitFor } from '../helpers/wait-for';

/** Resend's POST /emails, answering only when the test says so: an email job stays in flight until then. */
async function startHeldResend() {
  let received = 0;
  const held: http.ServerResponse[] = [];
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received += 1;
      held.push(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => received,
    answerAll() {
      for (const response of held.splice(0)) response.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"em_held_1"}');
    },
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm run worker', () => {
  let database: TestDatabase;
  let resend: Awaited<ReturnType<typeof startHeldResend>>;
  let client: JobClient;
  const leftovers: number[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    resend = await startHeldResend();
    // The dispatching side needs the event and the definition id only; the npm worker runs the real job.
    const registry = new JobRegistry([emailSendRequested], [defineJob({ id: 'email-send', trigger: { event: emailSendRequested } }, async () => {})]);
    client = new JobClient(registry, testLocalProvider(database.handle, registry));
  });
  afterAll(async () => {
    for (const pid of leftovers) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await resend.close();
    await database.drop();
  });

  it('on SIGTERM to the npm process lets the job in flight finish, exits 0 and leaves no process behind', async () => {
    const npm = spawn('npm', ['run', 'worker'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'test',
        DATABASE_URL: database.url,
        RESEND_API_KEY: 're_test_key',
        RESEND_BASE_URL: resend.url,
        JOBS_POLL_INTERVAL_MS: '100',
        JOBS_SHUTDOWN_TIMEOUT_MS: '20000',
      },
    });
    let output = '';
    npm.stdout.on('data', (chunk) => (output += chunk));
    npm.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      npm.once('exit', (code, signal) => resolve({ code, signal })),
    );
    await waitFor(() => output.includes('job server started'), { timeoutMs: 60_000, what: `the worker to start:\n${output}` });
    // The worker's own pid, from its worker id (host:pid:random), to check that it is gone afterwards.
    const workerPid = Number(/"workerId":"[^"]*:(\d+):[0-9a-f]+"/.exec(output)![1]);
    leftovers.push(workerPid);

    const { ids } = await client.dispatch({ name: 'email/send', data: { to: 'ada@example.com', subject: 'Hi', html: '<p>Hi</p>', text: 'Hi' } });
    await waitFor(() => resend.received() === 1, { what: 'the email job to be in flight' });

    npm.kill('SIGTERM');
    // Answer the held request once the worker says it is shutting down (or give up when npm is gone without it).
    const shuttingDown = waitFor(() => output.includes('shutting down'), { timeoutMs: 20_000, what: 'the worker to begin its shutdown' });
    await Promise.race([shuttingDown, exited]);
    resend.answerAll();

    expect(await exited).toEqual({ code: 0, signal: null });
    expect(output).toContain('shutting down: no new jobs will be claimed');
    await waitFor(() => !isAlive(workerPid), { timeoutMs: 5000, what: `worker ${workerPid} to be gone` });
    const [job] = await database.handle.sql.query<{ status: string }>('select status from background_jobs where id = $1', [ids[0]]);
    expect(job?.status).toBe('COMPLETED');
  });
});
