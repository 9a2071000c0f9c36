// The embedded database serves one process: a second process opening the same directory while the first has it
// open is refused with a message saying what to do, and nothing the first wrote is lost; once the first closes it,
// the second opens it and sees those rows. (Before the lock, the second process opened its own copy and the two
// overwrote each other's files: rows answered as written were gone at the next start.)
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/db/drivers/pglite';

const run = promisify(execFile);
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

/** `test/fixtures/open-pglite.ts` in a process of its own: its exit code and what it printed. */
async function openInAnotherProcess(dataDir: string): Promise<{ code: number; output: string }> {
  const script = path.resolve(import.meta.dirname, '../fixtures/open-pglite.ts');
  return run(process.execPath, ['--import', 'tsx', script, dataDir], { timeout: 60_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
  );
}

describe('the embedded database across processes', () => {
  it('refuses a second process while one has it open, loses nothing, and lets it in once the first closed it', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pglite-lock-'));
    dirs.push(dataDir);
    const first = await openPglite(dataDir);
    await first.sql.query(`insert into rate_limits (key, points) values ('kept-1', 1), ('kept-2', 2)`);

    const refused = await openInAnotherProcess(dataDir);
    expect(refused.code, refused.output).toBe(1);
    expect(refused.output).toContain(`EmbeddedDatabaseInUseError: The embedded database in ${dataDir} is open in another process`);
    expect(refused.output).toContain('set DATABASE_URL');
    expect(await first.sql.query(`select key from rate_limits order by key`)).toEqual([{ key: 'kept-1' }, { key: 'kept-2' }]);

    await first.close();
    const reopened = await openInAnotherProcess(dataDir);
    expect(reopened, reopened.output).toMatchObject({ code: 0 });
    expect(reopened.output).toContain('rows: 2');
  });
});
