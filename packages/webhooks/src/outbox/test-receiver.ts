// A webhook receiver for tests and the bench: node:http on 127.0.0.1, port 0, scriptable per request.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

export type ReceiverHandler = (
  req: ReceivedRequest,
  res: http.ServerResponse,
) => ReceiverAnswer | Promise<ReceiverAnswer>;

type ReceiverAnswer = undefined | { status: number; headers?: Record<string, string>; body?: string };

export interface TestReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Highest number of requests seen in progress at once, per path and in total. */
  maxConcurrent: Map<string, number>;
  maxConcurrentTotal: number;
  setHandler(handler: ReceiverHandler): void;
  close(): Promise<void>;
}

/** Starts a receiver answering 200 until `setHandler` says otherwise. */
export async function startTestReceiver(handler?: ReceiverHandler): Promise<TestReceiver> {
  let current: ReceiverHandler = handler ?? (() => ({ status: 200 }));
  const requests: ReceivedRequest[] = [];
  const active = new Map<string, number>();
  let activeTotal = 0;
  const receiver: TestReceiver = {
    url: '',
    requests,
    maxConcurrent: new Map(),
    maxConcurrentTotal: 0,
    setHandler: (h) => {
      current = h;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const n = (active.get(path) ?? 0) + 1;
      active.set(path, n);
      activeTotal++;
      receiver.maxConcurrent.set(path, Math.max(receiver.maxConcurrent.get(path) ?? 0, n));
      receiver.maxConcurrentTotal = Math.max(receiver.maxConcurrentTotal, activeTotal);
      res.on('close', () => {
        active.set(path, (active.get(path) ?? 1) - 1);
        activeTotal--;
      });
      const received = {
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      requests.push(received);
      try {
        const answer = await current(received, res);
        if (answer && !res.headersSent) {
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body ?? '');
        }
      } catch {
        if (!res.headersSent) res.writeHead(500).end();
      }
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}
