// A database for fault tests: the app schema plus tables the fixture jobs write their effects into.
import { createTestDatabase, type TestDatabase } from '../helpers/database';

export async function createFaultDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase('postgres', { poolSize: 4 });
  await database.handle.sql.query(`
    create table test_effects (job_id text not null, step text not null, pid int not null);
    create table test_executions (job_id text not null, step text not null, pid int not null);
    create table test_idempotent_effects (job_id text not null, step text not null, pid int not null, primary key (job_id, step));
    create table test_gauge (running int not null, max_running int not null);
    insert into test_gauge values (0, 0);`);
  return database;
}

export async function count(database: TestDatabase, query: string, params: unknown[] = []): Promise<number> {
  const rows = await database.handle.sql.query<{ n: number }>(query, params);
  return rows[0]!.n;
}
