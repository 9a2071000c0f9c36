// The registry: every system `npm run bench` knows, in report order. To add one, implement BenchSystem
// (bench/lib/system.ts) in a file here and append its factory; `kind: 'ours'` puts it in the ratios table.
import type { SystemFactory } from '../lib/system';
import { bullmqPostgres, bullmqRedis } from './bullmq';
import { bullmqProvider } from './bullmq-provider';
import { graphileWorker } from './graphile-worker';
import { localPglite, localPostgres } from './local';
import { pgBossBatched, pgBossDefault } from './pg-boss';

export const systems: readonly SystemFactory[] = [
  localPostgres,
  localPglite,
  bullmqProvider,
  graphileWorker,
  pgBossDefault,
  pgBossBatched,
  bullmqRedis,
  bullmqPostgres,
];
