// What a failed dispatch tells its caller about its jobs, from real failures of real servers: refused or never sent
// is "nothing was enqueued"; a session ended while a statement may have been sent is "may still be enqueued".
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { EnqueueError, postgresWriteOutcome, redisWriteOutcome } from '../../src/jobs/errors';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

const failureOf = (work: Promise<unknown>) => work.then(() => new Error('expected a failure'), (error: unknown) => error);

describe('postgresWriteOutcome', () => {
  let database: TestDatabase | undefined;
  afterAll(() => database?.drop());

  it('says none for a refused connection and for a statement the server refused', async () => {
    const unreachable = new pg.Client({ host: '127.0.0.1', port: 1, user: 'postgres' });
    expect(postgresWriteOutcome(await failureOf(unreachable.connect()))).toBe('none');
    database = await createTestDatabase('postgres');
    expect(postgresWriteOutcome(await failureOf(database.handle.sql.query('insert into no_such_table values (1)')))).toBe('none');
  });

  it('says unknown when the server ends the session under a statement (it may have committed)', async () => {
    database ??= await createTestDatabase('postgres');
    const victim = new pg.Client(database.url);
    await victim.connect();
    victim.on('error', () => {});
    const [{ pid }] = (await victim.query<{ pid: number }>('select pg_backend_pid() as pid')).rows as [{ pid: number }];
    const running = failureOf(victim.query('select pg_sleep(30)'));
    await database.handle.sql.query('select pg_terminate_backend($1)', [pid]);
    const error = await running;
    expect((error as { code?: string }).code).toBe('57P01');
    expect(postgresWriteOutcome(error)).toBe('unknown');
    expect(postgresWriteOutcome(new Error('Connection terminated unexpectedly'))).toBe('unknown');
  });
});

describe('redisWriteOutcome', () => {
  it('says none when ioredis refuses a command it never sent', async () => {
    const offline = new Redis({ host: '127.0.0.1', port: 1, enableOfflineQueue: false, lazyConnect: true, retryStrategy: () => null });
    offline.on('error', () => {});
    try {
      expect(redisWriteOutcome(await failureOf(offline.set('k', 'v')))).toBe('none');
      // What ioredis says for a connection that closed, whether before or after a command went out: cannot tell.
      expect(redisWriteOutcome(new Error('Connection is closed.'))).toBe('unknown');
    } finally {
      offline.disconnect();
    }
  });
});

describe('EnqueueError', () => {
  it('tells the log the cause and the client only what became of its request', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:6379'), { code: 'ECONNREFUSED' });
    const refused = new EnqueueError('Redis', 2, new Error('wrapped', { cause }), 'none');
    expect(refused.message).toBe('Could not enqueue 2 job(s): Redis did not accept them (connect ECONNREFUSED 10.0.0.7:6379); nothing was enqueued');
    expect(refused.publicMessage).toBe('The job queue is unavailable; nothing was queued. Try again shortly.');
    const lost = new EnqueueError('PostgreSQL', 1, new Error('Connection terminated unexpectedly'), 'unknown');
    expect(lost.message).toMatch(/may still be enqueued \(dispatching them again with the same `id` enqueues each at most once\)$/);
    expect(lost.publicMessage).toBe('The job queue stopped answering; the request may or may not have been queued. Try again shortly.');
  });
});
