/** @type {import('next').NextConfig} */
const nextConfig = {
  // These packages load WebAssembly, native sockets or worker threads at run time; bundling them breaks that.
  serverExternalPackages: ['@electric-sql/pglite', 'pg', 'pino', 'bullmq', 'ioredis'],
  poweredByHeader: false,
};

export default nextConfig;
