import { checkHealth } from '@/domain/health';
import { getRuntime } from '@/runtime';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** GET /api/health: database reachability and the active job provider; 503 when the database does not answer. */
export async function GET(): Promise<Response> {
  const { database, config } = await getRuntime();
  const report = await checkHealth(database.sql, { provider: config.jobs.provider, mode: config.jobs.mode });
  return Response.json(report, { status: report.status === 'ok' ? 200 : 503 });
}
