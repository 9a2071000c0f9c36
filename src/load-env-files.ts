// The processes we start without Next.js (`npm run worker`, `npm run jobs`, `npm run user:create`, `npm run
// db:migrate`) read the same .env files as `next dev` / `next start`, in the same order and with the same rule
// (a variable already set in the environment wins), through Next's own loader: one `.env.local` configures them all.
// A CommonJS bundle whose named exports Node's ESM loader cannot see: imported whole.
import nextEnv from '@next/env';

/** Loads `.env`, `.env.<mode>`, `.env.local` and `.env.<mode>.local` from `dir` into process.env (quietly). */
export function loadEnvFiles(dir = process.cwd()): void {
  const quiet = { info: () => {}, error: (...args: unknown[]) => console.error(...args) };
  nextEnv.loadEnvConfig(dir, process.env.NODE_ENV !== 'production', quiet);
}
