// `npm run dev` (not the build): in development the outbox (live links), the dashboard and the cron endpoints (with
// CRON_SECRET unset) are open, so the dev server must listen on loopback only. Started as users start it, it must
// accept connections on 127.0.0.1 and refuse them on every other address of this machine. Nothing is compiled:
// a TCP connect is enough, so this takes seconds.
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, spawnAppProcess, type AppProcess } from './support/app-process';

let dev: AppProcess | undefined;
let dataDir: string | undefined;

afterAll(async () => {
  const startedAt = Date.now();
  await dev?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  console.log(`e2e dev-server: shutdown ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
});

/** 'connected', or the error code of a refused or failed connection. */
function connect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 5_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('ETIMEDOUT');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** This machine's addresses other than loopback (link-local IPv6 needs a scope id to connect; it is left out). */
function otherAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((entry) => entry !== undefined && !entry.internal && !entry.address.startsWith('fe80:'))
    .map((entry) => entry!.address);
}

describe('npm run dev', () => {
  it('listens on 127.0.0.1 only: loopback connects, every other address of the machine is refused', async () => {
    const startedAt = Date.now();
    const port = await freePort();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'e2e-dev-'));
    dev = spawnAppProcess('npm run dev', 'npm', ['run', '--silent', 'dev', '--', '-p', String(port)], { NODE_ENV: 'development', PGLITE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    try {
      await dev.waitForLine(/Ready in/, 60_000);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${dev.output()}`);
    }
    console.log(`e2e dev-server: ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);

    expect(await connect('127.0.0.1', port)).toBe('connected');
    const others = otherAddresses();
    if (others.length > 0) {
      const answers = await Promise.all(others.map(async (address) => `${address}: ${await connect(address, port)}`));
      expect(answers).toEqual(others.map((address) => `${address}: ECONNREFUSED`));
    } else {
      // No other interface to try: read the listening socket itself.
      const listening = execFileSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' });
      expect(listening.trim().split('\n').map((line) => line.split(/\s+/)[3])).toEqual([`127.0.0.1:${port}`]);
    }
  });
});
