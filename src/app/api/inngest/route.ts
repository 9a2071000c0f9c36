// Inngest calls this route to sync (PUT), introspect (GET) and run steps (POST). In cloud mode the SDK verifies
// X-Inngest-Signature with INNGEST_SIGNING_KEY on every call, syncs included, and refuses unsigned ones with 401.
import { getRuntime } from '@/runtime';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
// Checkpointing runs several steps per request; keep under the function's time limit.
export const maxDuration = 300;

async function handle(request: Request): Promise<Response> {
  const { provider } = await getRuntime();
  if (!provider.inngestEndpoint) {
    return Response.json({ error: `JOBS_PROVIDER=${provider.name}; /api/inngest serves only the inngest provider` }, { status: 404 });
  }
  return provider.inngestEndpoint(request);
}

export const GET = handle;
export const POST = handle;
export const PUT = handle;
