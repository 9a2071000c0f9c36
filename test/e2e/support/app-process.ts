// A process of the built app (`next start`, `npm run worker`) started the way users start it: its own environment
// (nothing inherited from vitest but PATH and HOME), its own process group so stopping it ends the whole tree
// (npm → tsx → node, next → next-server), and its output kept to print when a test fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';

/**
 * The checkout whose build is run: this one, or E2E_APP_ROOT (another checkout with its own node_modules and
 * `.next`, e.g. a known-good commit to compare against).
 */
export const ROOT = path.resolve(process.env.E2E_APP_ROOT || path.resolve(import.meta.dirname, '../../..'));

export interface AppProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves with the first output line matching `pattern`; rejects if the process exits first. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves when the process has exited (its exit code, or the signal that ended it). */
  readonly exited: Promise<number | NodeJS.Signals>;
  stop(): Promise<void>;
}

/** Groups still running: if the test process itself ends abruptly, they are killed rather than orphaned. */
const liveGroups = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveGroups) killGroup(child, 'SIGKILL');
});

export function spawnAppProcess(name: string, command: string, args: string[], env: Record<string, string>): AppProcess {
  const child = spawn(command, args, {
    cwd: ROOT,
    // Production unless the caller says otherwise: what `next start` runs as.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production', ...env } as NodeJS.ProcessEnv,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let pending = '';
  const lineListeners = new Set<(line: string) => void>();
  const onData = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    output += text;
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) for (const listener of lineListeners) listener(line);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  liveGroups.add(child);
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | NodeJS.Signals);

  return {
    name,
    child,
    output: () => output,
    exited,
    waitForLine(pattern, timeoutMs = 60_000) {
      const seen = output.split('\n').find((line) => pattern.test(line));
      if (seen) return Promise.resolve(seen);
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`${name}: no line matching ${pattern} within ${timeoutMs} ms`)), timeoutMs);
        const listener = (line: string) => pattern.test(line) && finish(undefined, line);
        function finish(error: Error | undefined, line?: string) {
          clearTimeout(timer);
          lineListeners.delete(listener);
          if (error) reject(error);
          else resolve(line!);
        }
        lineListeners.add(listener);
        void exited.then((status) => finish(new Error(`${name} exited (${status}) before printing a line matching ${pattern}`)));
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup(child, 'SIGTERM');
      // A graceful shutdown waits for running jobs; past this bound the group is killed outright.
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      // The leader can exit before its children (npm before node): end whatever is left of the group.
      killGroup(child, 'SIGKILL');
      liveGroups.delete(child);
    },
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** A port nothing listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** `next start` of the built app on `port`. */
export function spawnNextStart(name: string, port: number, env: Record<string, string>): AppProcess {
  return spawnAppProcess(name, process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port)], { PORT: String(port), ...env });
}

/** `npm run worker`: ONLY_JOB_SERVER is set by the script. */
export function spawnWorker(name: string, env: Record<string, string>): AppProcess {
  return spawnAppProcess(name, 'npm', ['run', '--silent', 'worker'], env);
}
