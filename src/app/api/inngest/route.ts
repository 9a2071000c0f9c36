// Inngest calls this route to sync (PUT), introspect (GET) and run steps (POST). The SDK verifies
// X-Inngest-Signature with INNGEST_SIGNING_KEY in cloud mode and refuses unsigned calls with 401.
import { inngestHandlers } from '@/app/_lib/inngest-handlers';
import { InngestProvider } from '@/jobs/providers/inngest/inngest-provider';
import { getRuntime } from '@/runtime';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
// Checkpointing runs several steps per request; keep under the function's time limit.
export const maxDuration = 300;

async function handle(method: 'GET' | 'POST' | 'PUT', request: Request, context: unknown): Promise<Response> {
  const { provider } = await getRuntime();
  if (!(provider instanceof InngestProvider)) {
    return Response.json({ error: `JOBS_PROVIDER=${provider.name}; /api/inngest serves only the inngest provider` }, { status: 404 });
  }
  return inngestHandlers(provider)[method](request, context);
}

export const GET = (request: Request, context: unknown) => handle('GET', request, context);
export const POST = (request: Request, context: unknown) => handle('POST', request, context);
export const PUT = (request: Request, context: unknown) => handle('PUT', request, context);
