// `npm run db:migrate`: applies drizzle/ to the configured database (or the embedded one) and exits.
import { getConfig, loadEnvFiles } from '../env';
import { openDatabase } from './client';
import { migrateDatabase } from './migrate';
import { exitOnStartupFailure } from '../startup-failure';

loadEnvFiles();
const { config, handle } = await (async () => {
  const config = getConfig();
  return { config, handle: await openDatabase(config.database, { isVercel: config.isVercel, poolSize: 2 }) };
})().catch(exitOnStartupFailure);
try {
  await migrateDatabase(handle);
  const where = config.database.kind === 'embedded' ? `embedded database in ${config.database.dataDir}` : 'PostgreSQL';
  console.log(`Migrations applied to the ${where}.`);
} finally {
  await handle.close();
}
