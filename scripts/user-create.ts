// `npm run user:create -- --email ada@example.com [--name "Ada Lovelace"] [--admin]`: creates a user and prints
// their API key, once; only its hash is stored. With the embedded database, run it while `npm run dev` is
// stopped: PGlite is single-process.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { getConfig, loadEnvFiles } from '../src/env';
import { openDatabase } from '../src/db/client';
import { databaseFailureMessage, exitOnStartupFailure } from '../src/startup-failure';
import { createUser } from '../src/domain/users/create-user';

const usage = 'usage: npm run user:create -- --email <address> [--name <name>] [--admin]';

const { values } = parseArgs({
  options: { email: { type: 'string' }, name: { type: 'string' }, admin: { type: 'boolean', default: false } },
  strict: true,
});
const email = z.email().safeParse(values.email);
if (!email.success) {
  console.error(`${values.email === undefined ? 'missing --email' : `not an email address: ${values.email}`}\n${usage}`);
  process.exit(2);
}

loadEnvFiles();
const database = await (async () => {
  const config = getConfig();
  return openDatabase(config.database, { isVercel: config.isVercel, poolSize: 1 });
})().catch(exitOnStartupFailure);
try {
  const { user, apiKey } = await createUser(database.db, {
    email: email.data,
    name: values.name,
    role: values.admin ? 'ADMIN' : 'USER',
    // The operator vouches for the address: no verification email, and the account may send documents at once.
    emailVerifiedAt: new Date(),
    keyName: 'cli',
  });
  console.log(`Created ${user.role === 'ADMIN' ? 'admin' : 'user'} ${user.email} (${user.id}).`);
  console.log(`API key (shown once, store it now): ${apiKey}`);
} catch (error) {
  console.error(`Could not create the user: ${databaseFailureMessage(error)}`);
  process.exitCode = 1;
} finally {
  await database.close();
}
