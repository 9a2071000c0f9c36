// `npm run jobs -- <command>`: the operators' CLI over the configured provider's inspector (local: the queue in
// DATABASE_URL, or the embedded PGlite directory like the app; BullMQ: REDIS_URL plus its anchor rows). `--help` lists the commands; exit codes are in
// cli-error.ts (0 ok, 1 failure, 2 usage, 3 not found, 4 wrong state). With the embedded database, run it while
// the app is stopped: PGlite is single-process.
import { userInfo } from 'node:os';
import { CommanderError } from 'commander';
import { getConfig, loadEnvFiles } from '../env';
import { openDatabase, type DatabaseHandle } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { appDefinitions, createJobDeps } from '../jobs/definitions';
import { appEvents } from '../jobs/events';
import { silentLogger } from '../jobs/logger';
import { createProvider } from '../jobs/providers/create-provider';
import { LocalInspector } from '../jobs/providers/local/local-inspector';
import type { JobProvider } from '../jobs/providers/types';
import { JobRegistry } from '../jobs/registry';
import { databaseFailureMessage } from '../startup-failure';
import { CliError, EXIT } from './cli-error';
import { buildJobsProgram } from './jobs-program';

const HELP_CODES = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  let database: DatabaseHandle | undefined;
  let provider: JobProvider | undefined;
  const connect = async () => {
    loadEnvFiles();
    const config = getConfig();
    database = await openDatabase(config.database, { isVercel: config.isVercel, poolSize: 2 });
    // The embedded database is migrated by whoever opens it first, as the app does.
    if (config.database.kind === 'embedded') await migrateDatabase(database);
    // The local queue needs nothing but its database (no registry: it works against any such database).
    if (config.jobs.provider === 'local') return { inspector: new LocalInspector(database), db: database.db };
    // Other providers are built as the app builds them (never started: this process runs no jobs) and asked for
    // their inspector through the contract.
    const registry = new JobRegistry(appEvents, appDefinitions(createJobDeps(config, database)));
    provider = await createProvider({ config, database, registry, logger: silentLogger, onFailure: async () => {} });
    if (!provider.inspector) {
      throw new CliError(
        `JOBS_PROVIDER=${config.jobs.provider} keeps its jobs outside this app; look at ${provider.externalDashboardUrl ?? "the provider's dashboard"}`,
        EXIT.failure,
        'wrong-provider',
      );
    }
    return { inspector: provider.inspector, db: database.db };
  };
  try {
    await buildJobsProgram({ connect, actor: `cli:${osUser()}` }).parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) return HELP_CODES.has(error.code) ? EXIT.ok : EXIT.usage;
    const known = error instanceof CliError;
    const message = known ? error.message : databaseFailureMessage(error);
    if (json) process.stdout.write(`${JSON.stringify({ error: message, code: known ? error.code : 'failure' })}\n`);
    else process.stderr.write(`${message}\n`);
    return known ? error.exitCode : EXIT.failure;
  } finally {
    await provider?.stop({ timeoutMs: 2000 });
    await database?.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
