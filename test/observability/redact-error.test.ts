// A database error on its way to a log line or a stored job error keeps its SQL and its SQLSTATE, never the values
// the query carried: real failing queries against PostgreSQL, logged through the process logger.
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/db/schema';
import { describeError } from '../../src/jobs/execute';
import { createLogger } from '../../src/observability/logger';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('postgres', { poolSize: 2 });
});
afterAll(() => database.drop());

const SECRET_HASH = 'scrypt$32768$8$1$c2VjcmV0LXNhbHQ=$c2VjcmV0LWtleS1tYXRlcmlhbA==';
const KEY_HASH = 'f'.repeat(64);

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => expect.unreachable('the query should fail'),
    (error: unknown) => error,
  );
}

function logged(error: unknown): string {
  let output = '';
  const sink = new Writable({ write: (chunk, _encoding, done) => void ((output += String(chunk)), done()) });
  createLogger('info', { destination: sink }).error({ err: error }, 'route failed');
  return output;
}

describe('redacting database errors', () => {
  it('logs a failed insert (duplicate key) with its SQL and constraint, without parameters or the row values PostgreSQL echoes', async () => {
    const row = { email: 'dup@example.com', name: 'Dup', passwordHash: SECRET_HASH, apiKeyHash: KEY_HASH };
    await database.handle.db.insert(users).values(row);
    const error = await failure(() => database.handle.db.insert(users).values(row));
    expect(String((error as Error).message)).toContain(SECRET_HASH); // what Drizzle itself puts in the message

    const line = logged(error);
    expect(JSON.parse(line)).toMatchObject({ msg: 'route failed', err: { message: expect.stringContaining('Failed query: insert into "users"'), code: '23505' } });
    for (const secret of [SECRET_HASH, KEY_HASH, 'dup@example.com', 'params']) expect(line).not.toContain(secret);
    const stored = describeError(error);
    expect(stored).toContain('Failed query: insert into "users"');
    for (const secret of [SECRET_HASH, KEY_HASH, 'dup@example.com']) expect(stored).not.toContain(secret);
  });

  it('drops the input PostgreSQL quotes in a data error', async () => {
    const error = await failure(() => database.handle.db.execute(sql`select ${'not-a-uuid-secret'}::uuid`));
    const line = logged(error);
    expect(line).toContain('22P02');
    expect(line).toContain('invalid input syntax for type uuid: <redacted>');
    expect(line).not.toContain('not-a-uuid-secret');
    expect(describeError(error)).not.toContain('not-a-uuid-secret');
  });

  it('drops the value PostgreSQL quotes when a number is out of range', async () => {
    const error = await failure(() => database.handle.db.execute(sql`select ${'92233720368547758071234'}::bigint`));
    const line = logged(error);
    expect(line).toContain('22003');
    expect(line).toContain('value <redacted> is out of range for type bigint');
    expect(line).not.toContain('92233720368547758071234');
    expect(describeError(error)).not.toContain('92233720368547758071234');
  });
});
