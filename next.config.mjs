/** @type {import('next').NextConfig} */
const nextConfig = {
  // These packages load WebAssembly, native sockets or worker threads at run time; bundling them breaks that.
  serverExternalPackages: [
    '@electric-sql/pglite',
    'pg',
    'pino',
    // Loaded beside pino for development's readable lines; a bundle would cut it from its own dependencies.
    'pino-pretty',
    'bullmq',
    'ioredis',
    // Its Drizzle store loads drizzle-orm with a computed import(), which a bundle cannot resolve.
    'rate-limiter-flexible',
    // bull-board finds its UI files and templates on disk at run time.
    '@bull-board/api',
    '@bull-board/hono',
    '@bull-board/ui',
  ],
  poweredByHeader: false,
  // The build type-checks the app only (src/): tests, bench and scripts are checked by `npm run typecheck`, so a
  // test that does not compile fails the test run, not the build of the app.
  typescript: { tsconfigPath: 'tsconfig.build.json' },
};

export default nextConfig;
