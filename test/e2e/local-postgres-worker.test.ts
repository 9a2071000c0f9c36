// Configuration 2: web and jobs apart. `next start` with JOBS_SERVER_DISABLED=true only enqueues; a separate
// `npm run worker` process (ONLY_JOB_SERVER, set by the script) runs every job, both on one PostgreSQL database.
import { localJobsSettled, defineConfiguration } from './support/configuration';
import { describeUserFlow } from './support/user-flow';

const app = defineConfiguration('local-postgres-worker', async (setup) => {
  const database = await setup.database();
  const { url } = await setup.startWeb({ DATABASE_URL: database.url, JOBS_SERVER_DISABLED: 'true' });
  // The worker builds the same links as the web process: its PUBLIC_WEBAPP_URL is the web's URL.
  await setup.startWorker({ DATABASE_URL: database.url, PUBLIC_WEBAPP_URL: url });
  return { url, database, settled: localJobsSettled(database) };
});

describeUserFlow(app);
