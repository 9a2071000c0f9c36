// The server's own write rate as a reference line: pgbench's simple-update script (-N) on a scratch database.
// A queue that commits once to claim and once to complete a job cannot pass about half of this.
import { execFile } from 'node:child_process';
import { access, constants, readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BenchConfig } from './config';
import { Scratch } from './scratch';
import { CLEANUP_TIMEOUT_MS } from './limits';
import { withTimeout } from './timing';

const run = promisify(execFile);

export type PgbenchResult =
  | { readonly ok: true; readonly tps: number; readonly command: string; readonly binary: string }
  | { readonly ok: false; readonly reason: string };

const PGBENCH_CLIENTS = 10;
const PGBENCH_THREADS = 2;

export async function runPgbench(config: BenchConfig, durationSeconds: number): Promise<PgbenchResult> {
  const binary = await findPgbench(config.pathDirs);
  if (!binary) return { ok: false, reason: 'pgbench not found on PATH nor in /usr/lib/postgresql/*/bin; no reference line' };

  const scratch = new Scratch(config, 'pgbench');
  const command = `pgbench -c ${PGBENCH_CLIENTS} -j ${PGBENCH_THREADS} -N -T ${durationSeconds} -n`;
  try {
    const database = await scratch.database();
    // -q: quiet progress; scale 1 = 100,000 accounts rows, enough for 10 clients to rarely collide.
    await run(binary, ['-i', '-s', '1', '-q', database.url], { timeout: 120_000 });
    const { stdout } = await run(
      binary,
      ['-c', String(PGBENCH_CLIENTS), '-j', String(PGBENCH_THREADS), '-N', '-T', String(durationSeconds), '-n', database.url],
      { timeout: (durationSeconds + 60) * 1000 },
    );
    const match = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout) ?? /tps = ([\d.]+)/.exec(stdout);
    if (!match?.[1]) return { ok: false, reason: `could not read tps from pgbench output:\n${stdout}` };
    return { ok: true, tps: Number(match[1]), command, binary };
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    return { ok: false, reason: `${command} failed: ${stderr || (error as Error).message}` };
  } finally {
    await withTimeout(scratch.cleanup(), CLEANUP_TIMEOUT_MS, 'dropping the pgbench database');
  }
}

/** PATH first, then the Debian/Ubuntu layout where client binaries are not always linked into PATH. */
async function findPgbench(pathDirs: readonly string[]): Promise<string | undefined> {
  const versions = await readdir('/usr/lib/postgresql').catch(() => [] as string[]);
  const debianDirs = versions.sort((a, b) => Number(b) - Number(a)).map((version) => `/usr/lib/postgresql/${version}/bin`);
  for (const dir of [...pathDirs, ...debianDirs]) {
    const candidate = path.join(dir, 'pgbench');
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
