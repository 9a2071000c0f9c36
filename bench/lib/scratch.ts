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
    const name = `bench_${this.#label}_${randomBytes(4).toString('hex')}`;
    await this.#admin(`create database "${name}"`);
    this.#databases.push(name);
    return { name, url: withDatabase(this.#config.databaseUrl, name) };
  }

  /** A fresh Redis key prefix (`bench-<label>-<random>`); every key under `<prefix>:` is deleted on cleanup. */
  redisPrefix(): string {
    const prefix = `bench-${this.#label.replace(/_/g, '-')}-${randomBytes(4).toString('hex')}`;
    this.#prefixes.push(prefix);
    return prefix;
  }

  /** Drop every database and Redis prefix handed out. */
  async cleanup(): Promise<void> {
    const errors: unknown[] = [];
    for (const name of this.#databases.splice(0)) {
      // WITH (FORCE) ends the connections a hung or leaky client left open (PostgreSQL 13+).
      await this.#admin(`drop database if exists "${name}" with (force)`).catch((error: unknown) => errors.push(error));
    }
    const prefixes = this.#prefixes.splice(0);
    if (prefixes.length) await deleteRedisKeys(this.#config.redisUrl, prefixes).catch((error: unknown) => errors.push(error));
    if (errors.length) throw new AggregateError(errors, `cleanup of scratch state for ${this.#label} failed`);
  }

  async #admin(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.#config.databaseUrl, connectionTimeoutMillis: 10_000 });
    try {
      await client.connect();
    } catch (error) {
      throw new Error(`cannot reach PostgreSQL at ${redactUrl(this.#config.databaseUrl)} (set BENCH_DATABASE_URL)`, { cause: error });
    }
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
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
