// The BullMQ dashboard (bull-board) at /api/jobs/board, admins only in production. 404 with another provider.
import type { Hono } from 'hono';
import { withAdmin } from '@/app/_lib/with-admin';
import { BullmqProvider } from '@/jobs/providers/bullmq/bullmq-provider';
import { createBoardApp } from '@/jobs/providers/bullmq/board';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const boards = new WeakMap<BullmqProvider, Hono>();

const handler = withAdmin(async ({ request, runtime }) => {
  const { provider } = runtime;
  if (!(provider instanceof BullmqProvider)) {
    return Response.json({ error: `The jobs dashboard is bull-board, for JOBS_PROVIDER=bullmq (this app runs ${provider.name})` }, { status: 404 });
  }
  let board = boards.get(provider);
  if (!board) boards.set(provider, (board = createBoardApp(provider)));
  return board.fetch(request);
});

export const GET = handler;
export const POST = handler;
export const PUT = handler;
export const DELETE = handler;
