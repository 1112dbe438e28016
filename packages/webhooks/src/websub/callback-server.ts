import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CallbackServer {
  /** `http://host:port/path`: the URL to give the subscriber as its callback. */
  url: string;
  close(): Promise<void>;
}

function toRequest(req: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) for (const one of v) headers.append(k, one);
    else if (v !== undefined) headers.set(k, v);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(new URL(req.url ?? '/', origin), {
    method: req.method,
    headers,
    ...(hasBody ? { body: req as unknown as ReadableStream, duplex: 'half' } : {}),
  } as RequestInit);
}

/**
 * Serves a fetch-style handler (a subscriber's `handle`) on node:http, for a subscriber that is not part of
 * a Hono app: scenarios, benches and tests. Listens on 127.0.0.1 and a free port unless told otherwise.
 */
export async function startCallbackServer(
  handle: (req: Request) => Promise<Response>,
  opts: { host?: string; port?: number; path?: string } = {},
): Promise<CallbackServer> {
  const host = opts.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    const origin = `http://${req.headers.host ?? host}`;
    handle(toRequest(req, origin))
      .then(async (out) => {
        const headers: Record<string, string> = {};
        out.headers.forEach((v, k) => {
          headers[k] = v;
        });
        res.writeHead(out.status, headers);
        res.end(Buffer.from(await out.arrayBuffer()));
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('callback failed');
      });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((ok) => server.listen(opts.port ?? 0, host, ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}${opts.path ?? '/websub/callback'}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
