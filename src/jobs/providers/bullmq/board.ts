// bull-board (the BullMQ dashboard) as a Hono app, which speaks web Request/Response and so can be served from a
// Next.js route handler as it is. The caller decides who may see it (admins only in production).
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import type { BullmqProvider } from './bullmq-provider';

export const BOARD_BASE_PATH = '/api/jobs/board';

export function createBoardApp(provider: BullmqProvider, basePath = BOARD_BASE_PATH): Hono {
  const serverAdapter = new HonoAdapter(serveStatic);
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: provider.definitionIds.map((id) => new BullMQAdapter(provider.queue(id))),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Signing jobs' } },
  });
  const app = new Hono();
  app.route(basePath, serverAdapter.registerPlugin());
  return app;
}
