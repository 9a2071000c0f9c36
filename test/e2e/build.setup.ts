// Global setup of the black-box suite: the app under test is the `next build` output, built once. An existing
// build is reused when .next/BUILD_ID is newer than every source input (so CI's `npm run build` step is not
// repeated); a stale or missing one is rebuilt. Either way the suite says which.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from './support/app-process';

const INPUTS = ['src', 'next.config.mjs', 'package-lock.json'];

export default async function setup(): Promise<void> {
  const buildId = path.join(ROOT, '.next/BUILD_ID');
  const builtAt = await stat(buildId).then((info) => info.mtimeMs, () => undefined);
  const newest = await newestInput();
  if (builtAt !== undefined && builtAt > newest.mtimeMs) {
    console.log(`e2e: reusing the build in ${path.join(ROOT, '.next')} (built ${new Date(builtAt).toISOString()}, newer than every input)`);
    return;
  }
  console.log(
    builtAt === undefined
      ? `e2e: no build in ${ROOT}/.next; running next build`
      : `e2e: the build is stale (${path.relative(ROOT, newest.file)} changed ${new Date(newest.mtimeMs).toISOString()}); running next build`,
  );
  const startedAt = Date.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'build'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
    stdio: 'inherit',
  });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`next build failed (exit ${code}); the black-box suite needs a build`);
  console.log(`e2e: next build took ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
}

async function newestInput(): Promise<{ file: string; mtimeMs: number }> {
  let newest = { file: '', mtimeMs: 0 };
  const visit = async (file: string): Promise<void> => {
    const info = await stat(file).catch(() => undefined);
    if (!info) return;
    if (info.isDirectory()) {
      for (const entry of await readdir(file)) await visit(path.join(file, entry));
    } else if (info.mtimeMs > newest.mtimeMs) {
      newest = { file, mtimeMs: info.mtimeMs };
    }
  };
  for (const input of INPUTS) await visit(path.join(ROOT, input));
  return newest;
}
