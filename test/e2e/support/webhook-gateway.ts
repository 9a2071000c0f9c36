// One loopback listener in front of every webhook receiver of a configuration. Production refuses
// WEBHOOK_ALLOW_PRIVATE, so the app is started with WEBHOOK_ALLOWED_HOSTS naming this listener's exact host:port
// (the switch a self-hosted deployment would use); each registered endpoint gets a path of its own here, relayed
// to its verifying receiver once that exists (its secret comes from the registration's answer).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

export interface GatewayRoute {
  /** The URL to register: `http://127.0.0.1:<port>/<route id>`. */
  readonly url: string;
  target: string | undefined;
  close(): Promise<void>;
}

export interface WebhookGateway {
  /** `127.0.0.1:<port>`, the WEBHOOK_ALLOWED_HOSTS entry. */
  readonly hostPort: string;
  openRoute(): GatewayRoute;
  close(): Promise<void>;
}

export async function startWebhookGateway(): Promise<WebhookGateway> {
  const routes = new Map<string, GatewayRoute>();
  const server = http.createServer((req, res) => {
    const [, id = '', ...rest] = (req.url ?? '/').split('/');
    const route = routes.get(id);
    if (!route?.target) return void res.writeHead(502).end('no receiver behind this route');
    const upstream = http.request(new URL(`/${rest.join('/')}`, route.target), { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const hostPort = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    hostPort,
    openRoute() {
      const id = randomUUID();
      const route: GatewayRoute = { url: `http://${hostPort}/${id}`, target: undefined, close: async () => void routes.delete(id) };
      routes.set(id, route);
      return route;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
