// Runs once before all test files: checks that PostgreSQL and Redis answer (failing with the command that starts
// them, never skipping), and builds a migrated template database that each test file clones (CREATE DATABASE …
// TEMPLATE is ~10x faster than migrating afresh, and every file gets a database of its own).
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import net from 'node:net';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openNodePostgres } from '../../src/db/drivers/node-postgres';
import { migrateDatabase, migrationsFolder } from '../../src/db/migrate';
import { adminUrl, databaseUrl, redisUrl } from '../helpers/services';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  await assertPostgresReachable();
  await assertRedisReachable();
  project.provide('templateDatabase', await ensureTemplateDatabase());
}

async function assertPostgresReachable(): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${adminUrl()} (${(error as Error).message}).\n` +
        `Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n` +
        `or point TEST_DATABASE_URL at a server you own.`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}

async function assertRedisReachable(): Promise<void> {
  const url = new URL(redisUrl());
  const ok = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port || 6379), timeout: 3000 });
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
  if (!ok) {
    throw new Error(
      `Redis is not reachable at ${redisUrl()}.\n` +
        `Start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no\n` +
        `or point TEST_REDIS_URL at a server you own.`,
    );
  }
}

/**
 * The template is named after a hash of the migrations, so a new migration yields a new template. The black-box
 * suite run against another checkout (E2E_APP_ROOT) migrates with that checkout's migrations: its build expects
 * its own schema.
 */
async function ensureTemplateDatabase(): Promise<string> {
  const folder = process.env.E2E_APP_ROOT ? path.join(path.resolve(process.env.E2E_APP_ROOT), 'drizzle') : migrationsFolder();
  const hash = createHash('sha256');
  for (const file of (await readdir(folder)).filter((name) => name.endsWith('.sql')).sort()) {
    hash.update(file).update(await readFile(path.join(folder, file)));
  }
  const name = `signing_jobs_template_${hash.digest('hex').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1 and datistemplate', [name]);
    if (rowCount) return name;
    await admin.query(`drop database if exists "${name}"`);
    await admin.query(`create database "${name}"`);
    const handle = openNodePostgres(databaseUrl(name), { poolSize: 2 });
    try {
      await migrateDatabase(handle, folder);
    } finally {
      await handle.close();
    }
    // Marked as template only once migrated: a half-built one is dropped and rebuilt by the next run.
    await admin.query(`alter database "${name}" is_template true`);
    return name;
  } finally {
    await admin.end();
  }
}
