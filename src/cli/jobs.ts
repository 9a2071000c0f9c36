// `npm run jobs -- <command>`: the operators' CLI over the local provider's queue in the configured database
// (DATABASE_URL, or the embedded PGlite directory like the app). `--help` lists the commands; exit codes are in
// cli-error.ts (0 ok, 1 failure, 2 usage, 3 not found, 4 wrong state). With the embedded database, run it while
// the app is stopped: PGlite is single-process.
import { userInfo } from 'node:os';
import { CommanderError } from 'commander';
import { getConfig } from '../env';
import { openDatabase, type DatabaseHandle } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { LocalInspector } from '../jobs/providers/local/local-inspector';
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
  const connect = async () => {
    const config = getConfig();
    if (config.jobs.provider !== 'local') {
      throw new CliError(
        `npm run jobs works on the local provider's queue; JOBS_PROVIDER=${config.jobs.provider} keeps jobs elsewhere (BullMQ: the dashboard at /api/jobs/board)`,
        EXIT.failure,
        'wrong-provider',
      );
    }
    database = await openDatabase(config.database, { isVercel: config.isVercel, poolSize: 2 });
    // The embedded database is migrated by whoever opens it first, as the app does.
    if (config.database.kind === 'embedded') await migrateDatabase(database);
    return { inspector: new LocalInspector(database), db: database.db };
  };
  try {
    await buildJobsProgram({ connect, actor: `cli:${osUser()}` }).parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) return HELP_CODES.has(error.code) ? EXIT.ok : EXIT.usage;
    const known = error instanceof CliError;
    const message = known ? error.message : error instanceof Error ? error.message : String(error);
    if (json) process.stdout.write(`${JSON.stringify({ error: message, code: known ? error.code : 'failure' })}\n`);
    else process.stderr.write(`${message}\n`);
    return known ? error.exitCode : EXIT.failure;
  } finally {
    await database?.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
