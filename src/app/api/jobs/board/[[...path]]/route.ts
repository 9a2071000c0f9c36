// The jobs dashboard a provider brings (BullMQ: bull-board) at /api/jobs/board, admins only in production.
// 404 with a provider that has none.
import { withAdmin } from '@/app/_lib/with-admin';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const handler = withAdmin(async ({ request, runtime }) => {
  const { dashboard, name } = runtime.provider;
  if (!dashboard) {
    return Response.json({ error: `JOBS_PROVIDER=${name} has no dashboard here (bull-board comes with JOBS_PROVIDER=bullmq)` }, { status: 404 });
  }
  return dashboard.handle(request);
});

export const GET = handler;
export const POST = handler;
export const PUT = handler;
export const DELETE = handler;
// bull-board's UI edits a job's data, delay and priority, and a job scheduler, with PATCH.
export const PATCH = handler;
