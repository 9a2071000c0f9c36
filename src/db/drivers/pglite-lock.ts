// PGlite is PostgreSQL in one process, with no server to arbitrate between processes: two processes opening the
// same data directory each keep their own copy in memory and overwrite each other's files, and whatever one of them
// wrote is gone (a sign-up answered 201, its user lost at the next start). So a process holds a lock on the
// directory while it has the database open, and a second process is refused at once, saying what to do.
// proper-lockfile keeps the lock fresh while we live and lets a crashed process's lock go stale after 10 s.
import path from 'node:path';
import lockfile from 'proper-lockfile';

/** How long a lock outlives a process that died without releasing it (kill -9, power loss). */
const STALE_MS = 10_000;

export class EmbeddedDatabaseInUseError extends Error {
  override readonly name = 'EmbeddedDatabaseInUseError';
}

/** Locks `dataDir` for this process; resolves to the release. Throws EmbeddedDatabaseInUseError when it is taken. */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  try {
    return await lockfile.lock(dataDir, { lockfilePath: path.join(dataDir, 'signing-jobs.lock'), realpath: false, stale: STALE_MS });
  } catch (error) {
    if ((error as { code?: string }).code !== 'ELOCKED') throw error;
    throw new EmbeddedDatabaseInUseError(
      `The embedded database in ${dataDir} is open in another process (npm run dev, npm start, npm run worker or a CLI command). ` +
        'PGlite serves one process at a time: stop that process first, or set DATABASE_URL to a PostgreSQL server to run several. ' +
        `(A process that crashed leaves the lock behind for up to ${STALE_MS / 1000} s.)`,
    );
  }
}
