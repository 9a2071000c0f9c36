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
};

export default nextConfig;
