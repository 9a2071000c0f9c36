// Serves Next.js route handler modules over real HTTP on 127.0.0.1, the way Next calls them: a web `Request`
// in, a web `Response` out, dynamic segments as `{ params: Promise<…> }`. Tests talk to it with fetch.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;
export type RouteModule = Partial<Record<'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH', Handler>>;

export interface RouteServer {
  readonly url: string;
  close(): Promise<void>;
}

/** `routes` maps a path pattern (`/api/documents/[id]`) to a route module. */
export async function startRouteServer(routes: Record<string, RouteModule>, port = 0): Promise<RouteServer> {
  const compiled = Object.entries(routes).map(([pattern, module]) => ({ match: compile(pattern), module }));
  const server = http.createServer(async (incoming, outgoing) => {
    try {
      const url = new URL(incoming.url ?? '/', `http://${incoming.headers.host}`);
      const route = compiled.map(({ match, module }) => ({ params: match(url.pathname), module })).find((r) => r.params);
      const handler = route?.module[(incoming.method ?? 'GET') as keyof RouteModule];
      if (!route || !handler) {
        outgoing.writeHead(route ? 405 : 404).end();
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of incoming) chunks.push(chunk as Buffer);
      const body = chunks.length && incoming.method !== 'GET' && incoming.method !== 'HEAD' ? Buffer.concat(chunks) : undefined;
      const headers = new Headers();
      for (const [name, value] of Object.entries(incoming.headers)) {
        if (typeof value === 'string') headers.set(name, value);
        else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
      }
      const request = new Request(url, { method: incoming.method, headers, body });
      const response = await handler(request, { params: Promise.resolve(route.params!) });
      outgoing.writeHead(response.status, Object.fromEntries(response.headers));
      outgoing.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      outgoing.writeHead(500, { 'content-type': 'text/plain' }).end(String((error as Error).stack ?? error));
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: actualPort } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function compile(pattern: string): (pathname: string) => Record<string, string> | null {
  const names: string[] = [];
  const source = pattern.replace(/\[(\.\.\.)?(\w+)\]/g, (_, rest: string | undefined, name: string) => {
    names.push(name);
    return rest ? '(.+)' : '([^/]+)';
  });
  const regex = new RegExp(`^${source}$`);
  return (pathname) => {
    const match = regex.exec(pathname);
    if (!match) return null;
    return Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(match[index + 1]!)]));
  };
}
