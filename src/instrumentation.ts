// Next.js calls register() once per server process. On the Node.js runtime it opens (and for the embedded
// database, migrates) the database, and starts the in-process job server unless JOBS_SERVER_DISABLED=true.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startWebProcess } = await import('./start-web-process');
  await startWebProcess();
}
