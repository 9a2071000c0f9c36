import { checkHealth } from '@/domain/health';
import { getProcessRole } from '@/process-role';
import { getRuntime } from '@/runtime';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * GET /api/health: database reachability, schema (pending migrations), the process role and the job provider's
 * readiness; 503 when any of them is not ok (`problems` says what to do).
 */
export async function GET(): Promise<Response> {
  const { database, config, provider } = await getRuntime();
  const report = await checkHealth({ database, provider, mode: config.jobs.mode, role: getProcessRole(config) });
  return Response.json(report, { status: report.status === 'ok' ? 200 : 503 });
}
