import { isJobRowId } from '@/jobs/job-id';
import { z } from 'zod';
import { withJobSignature } from '@/app/_lib/with-job-signature';
import { parseJson } from '@/app/_lib/read-body';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
// A job runs inside this request; give it the longest a Vercel function may take on the plan.
export const maxDuration = 300;

const body = z.object({ jobId: z.string().refine(isJobRowId, 'expected a job id') });

/** POST /api/jobs/run (serverless mode): runs the job a signed self-dispatch names, if it is still claimable. */
export const POST = withJobSignature(async ({ body: raw, runtime }) => {
  const { jobId } = parseJson(raw, body);
  const runner = runtime.provider.onDemand;
  if (!runner) {
    return Response.json({ error: `JOBS_PROVIDER=${runtime.provider.name} does not run jobs through /api/jobs/run` }, { status: 404 });
  }
  const result = await runner.runJobById(jobId);
  const status = result === 'ran' ? 200 : result === 'not-found' ? 404 : 409;
  return Response.json({ jobId, result }, { status });
});
