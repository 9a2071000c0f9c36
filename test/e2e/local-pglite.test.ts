// Configuration 1: the quick start. `next start` with no DATABASE_URL: embedded PGlite in a temporary directory,
// migrated on first start, the job worker in the web process. Only PORT, PGLITE_DATA_DIR and the email/webhook
// settings the flow needs are set. PGlite is single-process, so assertions read only HTTP, emails and webhooks.
import { defineConfiguration } from './support/configuration';
import { describeUserFlow } from './support/user-flow';

const app = defineConfiguration('local-pglite', async (setup) => {
  const { url } = await setup.startWeb({ PGLITE_DATA_DIR: await setup.tempDir() });
  return { url };
});

describeUserFlow(app);
