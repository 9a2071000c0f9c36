// Throwaway state for one system instance: PostgreSQL databases and Redis key prefixes. The harness drops
// everything handed out here after teardown(), even when the system's own teardown failed or hung, so a broken
// run never leaves databases or keys behind.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { redactUrl, withDatabase, type BenchConfig } from './config';

export interface ScratchDatabase {
  readonly name: string;
  readonly url: string;
}

export class Scratch {
  /** Instances holding databases or prefixes, so an interrupted run (Ctrl-C) can still drop them. */
  static readonly #live = new Set<Scratch>();
  /** CREATE DATABASE statements in flight: one that commits after the drop would leak its database. */
  static readonly #creating = new Set<Promise<void>>();
  static #closed = false;

  /**
   * For the SIGINT/SIGTERM handler: refuse new scratch state (the interrupted workload is still running), let
   * in-flight creations land, then drop what every live instance holds.
   */
  static async cleanupAll(): Promise<void> {
    Scratch.#closed = true;
    await Promise.allSettled([...Scratch.#creating]);
    await Promise.allSettled([...Scratch.#live].map((scratch) => scratch.cleanup()));
  }

  readonly #config: BenchConfig;
  readonly #label: string;
  readonly #databases: string[] = [];
  readonly #prefixes: string[] = [];

  /** `label` (a system id) goes into every name, so a leftover is traceable to its system. */
  constructor(config: BenchConfig, label: string) {
    this.#config = config;
    this.#label = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 40);
  }

  /** CREATE DATABASE bench_<label>_<random>; empty, owned by the admin connection's user. */
  async database(): Promise<ScratchDatabase> {
    Scratch.#refuseWhenClosed();
    const name = `bench_${this.#label}_${randomBytes(4).toString('hex')}`;
    // Registered before it exists: the drop is IF EXISTS, and an interrupted run must not miss it.
    this.#databases.push(name);
    Scratch.#live.add(this);
    const creating = this.#admin(`create database "${name}"`);
    Scratch.#creating.add(creating);
    try {
      await creating;
    } finally {
      Scratch.#creating.delete(creating);
    }
    return { name, url: withDatabase(this.#config.databaseUrl, name) };
  }

  /** A fresh Redis key prefix (`bench-<label>-<random>`); every key under `<prefix>:` is deleted on cleanup. */
  redisPrefix(): string {
    Scratch.#refuseWhenClosed();
    const prefix = `bench-${this.#label.replace(/_/g, '-')}-${randomBytes(4).toString('hex')}`;
    this.#prefixes.push(prefix);
    Scratch.#live.add(this);
    return prefix;
  }

  static #refuseWhenClosed(): void {
    if (Scratch.#closed) throw new Error('the bench is shutting down; no new scratch state');
  }

  /** Drop every database and Redis prefix handed out. */
  async cleanup(): Promise<void> {
    Scratch.#live.delete(this);
    const errors: unknown[] = [];
    const databases = this.#databases.splice(0);
    if (databases.length) await this.#dropDatabases(databases).catch((error: unknown) => errors.push(error));
    const prefixes = this.#prefixes.splice(0);
    if (prefixes.length) await deleteRedisKeys(this.#config.redisUrl, prefixes).catch((error: unknown) => errors.push(error));
    if (errors.length) throw new AggregateError(errors, `cleanup of scratch state for ${this.#label} failed`);
  }

  async #dropDatabases(names: readonly string[]): Promise<void> {
    await this.#admin(async (client) => {
      for (const name of names) {
        await waitForDisconnects(client, name);
        // WITH (FORCE) ends the connections a hung or leaky client left open (PostgreSQL 13+).
        await client.query(`drop database if exists "${name}" with (force)`);
      }
    });
  }

  async #admin(sqlOrWork: string | ((client: pg.Client) => Promise<void>)): Promise<void> {
    const client = new pg.Client({ connectionString: this.#config.databaseUrl, connectionTimeoutMillis: 10_000 });
    try {
      await client.connect();
    } catch (error) {
      throw new Error(`cannot reach PostgreSQL at ${redactUrl(this.#config.databaseUrl)} (set BENCH_DATABASE_URL)`, { cause: error });
    }
    try {
      if (typeof sqlOrWork === 'string') await client.query(sqlOrWork);
      else await sqlOrWork(client);
    } finally {
      await client.end();
    }
  }
}

/**
 * node-postgres's pool.end() resolves before its sockets close, so a cleanly closed system can still have backends
 * on its way out. Forcing the drop then makes the server send those clients a FATAL error, which libraries log as
 * a failure. Give them up to a second to go; anything left after that really is a leak, and FORCE deals with it.
 */
async function waitForDisconnects(client: pg.Client, database: string): Promise<void> {
  const deadline = performance.now() + 1_000;
  while (performance.now() < deadline) {
    const { rows } = await client.query<{ count: number }>(
      'select count(*)::int as count from pg_stat_activity where datname = $1',
      [database],
    );
    if ((rows[0]?.count ?? 0) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function deleteRedisKeys(url: string, prefixes: readonly string[]): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 10_000 });
  redis.on('error', () => {}); // surfaced by the failing command below instead of as an unhandled 'error' event
  try {
    for (const prefix of prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        if (keys.length) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}
