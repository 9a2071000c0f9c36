// The benchmark's only reader of process.env: every other bench module receives a BenchConfig.
// The bench is a dev tool, not app code, so it has its own variables instead of going through src/env.ts.

export interface BenchConfig {
  /** Admin connection: scratch databases are created and dropped through it (it is never benchmarked itself). */
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** Directories of PATH, searched for pgbench. */
  readonly pathDirs: readonly string[];
}

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export function readBenchConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  return {
    databaseUrl: env.BENCH_DATABASE_URL || DEFAULT_DATABASE_URL,
    redisUrl: env.BENCH_REDIS_URL || DEFAULT_REDIS_URL,
    pathDirs: (env.PATH ?? '').split(':').filter(Boolean),
  };
}

/** `url` with its database name replaced. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A URL safe to print: the password, if any, is masked. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
