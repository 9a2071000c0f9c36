// What the numbers were measured on, recorded with every report: results are only comparable on like machines.
import os from 'node:os';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { BenchConfig } from './config';
import { describeError } from './format';

export interface Environment {
  readonly node: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly postgres: string;
  readonly redis: string;
  /**
   * 1-minute load average before the run. Anything near the core count means something else was busy (a test run,
   * a type check) and the figures are low by an unknown amount.
   */
  readonly loadBefore: number;
}

export async function describeEnvironment(config: BenchConfig): Promise<Environment> {
  const [postgres, redis] = await Promise.all([describePostgres(config.databaseUrl), describeRedis(config.redisUrl)]);
  const cpus = os.cpus();
  return {
    node: process.version,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    postgres,
    redis,
    loadBefore: os.loadavg()[0] ?? Number.NaN,
  };
}

async function describePostgres(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    // fsync and synchronous_commit decide what a commit costs, so they belong next to the numbers.
    const { rows } = await client.query<{ name: string; setting: string }>(
      `select name, setting from pg_settings where name in ('server_version', 'fsync', 'synchronous_commit') order by name`,
    );
    const setting = (name: string) => rows.find((row) => row.name === name)?.setting ?? '?';
    return `PostgreSQL ${setting('server_version')} (fsync ${setting('fsync')}, synchronous_commit ${setting('synchronous_commit')})`;
  } catch (error) {
    return `PostgreSQL unreachable: ${describeError(error)}`;
  } finally {
    await client.end().catch(() => {});
  }
}

async function describeRedis(url: string): Promise<string> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 10_000, lazyConnect: true });
  redis.on('error', () => {}); // reported through the rejected command below
  try {
    await redis.connect();
    const info = await redis.info('server');
    const persistence = await redis.info('persistence');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
    const aof = /aof_enabled:(\d)/.exec(persistence)?.[1] === '1' ? 'AOF on' : 'AOF off';
    return `Redis ${version} (${aof})`;
  } catch (error) {
    return `Redis unreachable: ${describeError(error)}`;
  } finally {
    redis.disconnect();
  }
}
