// Starts test/fixtures/worker-process.ts as a real child process (node + tsx loader, one process, so a signal
// reaches the worker itself) and resolves once it is claiming jobs.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface ChildWorker {
  process: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
}

export async function startChildWorker(databaseUrl: string, options: Record<string, unknown> = {}): Promise<ChildWorker> {
  const script = path.resolve(import.meta.dirname, '../fixtures/worker-process.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, databaseUrl, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let output = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
    output += chunk;
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    void exited.then(({ code }) => reject(new Error(`worker exited early (${code}): ${stderr}`)));
  });
  return { process: child, exited, kill: (signal) => child.kill(signal), output: () => output };
}
