// Admins for the black-box suite, made the documented way: `npm run user:create -- --admin` against the
// configuration's database, which prints the API key once.
import { spawnAppProcess } from './app-process';

export async function createAdmin(databaseUrl: string, email = 'admin@example.com'): Promise<string> {
  const cli = spawnAppProcess('user-create', 'npm', ['run', '--silent', 'user:create', '--', '--email', email, '--name', 'Ada Admin', '--admin'], { DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' });
  const line = await cli.waitForLine(/API key \(shown once/, 60_000);
  await cli.exited;
  return /(sk_\S+)/.exec(line)![1]!;
}
