// A pass-through HTTP server whose target is set later. A webhook's signing secret exists only once the endpoint
// is registered, so the verifying receiver starts after registration, behind the URL registered first.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpRelay {
  readonly url: string;
  target: string | undefined;
  close(): Promise<void>;
}

export async function startHttpRelay(): Promise<HttpRelay> {
  const relay = { target: undefined as string | undefined };
  const server = http.createServer((req, res) => {
    if (!relay.target) return void res.writeHead(502).end('relay has no target');
    const upstream = http.request(new URL(req.url ?? '/', relay.target), { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(relay, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
