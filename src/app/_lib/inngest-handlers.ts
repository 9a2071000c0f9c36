// The Inngest SDK's Next.js handlers (GET introspection, POST run, PUT sync) for a provider, built once per runtime.
import { serve } from 'inngest/next';
import type { InngestProvider } from '@/jobs/providers/inngest/inngest-provider';

type Handler = (request: Request, context: unknown) => Promise<Response>;
const handlersByProvider = new WeakMap<InngestProvider, Record<'GET' | 'POST' | 'PUT', Handler>>();

export function inngestHandlers(provider: InngestProvider): Record<'GET' | 'POST' | 'PUT', Handler> {
  let handlers = handlersByProvider.get(provider);
  if (!handlers) {
    handlers = serve({ client: provider.client, functions: provider.functions }) as unknown as Record<'GET' | 'POST' | 'PUT', Handler>;
    handlersByProvider.set(provider, handlers);
  }
  return handlers;
}

