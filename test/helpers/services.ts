// Where the test services are: TEST_DATABASE_URL / TEST_REDIS_URL, defaulting to this machine's servers.
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export function adminUrl(): string {
  return process.env.TEST_DATABASE_URL || DEFAULT_DATABASE_URL;
}

/** The admin URL with its database name replaced. */
export function databaseUrl(database: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

export function redisUrl(): string {
  return process.env.TEST_REDIS_URL || DEFAULT_REDIS_URL;
}
