// `npm run db:migrate`: applies drizzle/ to the configured database (or the embedded one) and exits.
import { getConfig, loadEnvFiles } from '../env';
import { openDatabase } from './client';
import { migrateDatabase, pendingMigrations } from './migrate';
import { databaseFailureMessage, exitOnStartupFailure } from '../startup-failure';

loadEnvFiles();
const { config, handle } = await (async () => {
  const config = getConfig();
  return { config, handle: await openDatabase(config.database, { isVercel: config.isVercel, poolSize: 2 }) };
})().catch(exitOnStartupFailure);
const where = config.database.kind === 'embedded' ? `the embedded database in ${config.database.dataDir}` : 'the PostgreSQL database';
try {
  const pending = await pendingMigrations(handle);
  await migrateDatabase(handle);
  console.log(pending.length ? `Applied ${pending.length} migration(s) to ${where}: ${pending.join(', ')}.` : `Nothing to apply: ${where} has every migration.`);
} catch (error) {
  console.error(`Could not migrate ${where}: ${databaseFailureMessage(error)}`);
  process.exitCode = 1;
} finally {
  await handle.close();
}
