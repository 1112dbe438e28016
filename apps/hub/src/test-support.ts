// Fixtures for hub's tests: a hub on an in-memory database, a subscriber on a loopback port that records
// what arrives, and a topic server. Nothing shared between tests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExchangeRecorder, serve } from '@hooklab/service';
import { createManualClock, type Dispatcher } from '@hooklab/webhooks';
import { createApp } from './app.ts';
import { type HubConfig, hubConfigSchema, resolveHubConfig } from './config.ts';
import { createHubContext, type HubContext } from './context.ts';
import { openHubDatabase } from './db/index.ts';
import { createDistributionDispatcher } from './webhooks/out/distribution.ts';

export const DEV_TOKEN = 'hub-test-dev-token-0123456789';

export function testConfig(env: Record<string, string> = {}): HubConfig {
  return resolveHubConfig(
    hubConfigSchema.parse({ HOOKLAB_DEV: '1', HOOKLAB_DEV_TOKEN: DEV_TOKEN, LOG_LEVEL: 'silent', ...env }),
  );
}

/** A context for `app.request()` tests (jobs not started); `env` overrides the config. */
export function testContext(
  env: Record<string, string> = {},
  extra: { clock?: HubContext['clock'] } = {},
): HubContext {
  const { db, sqlite } = openHubDatabase(':memory:');
  return createHubContext({
    config: testConfig(env),
    db,
    sqlite,
    hubUrl: () => 'http://hub.test/',
    recorder: new ExchangeRecorder('hub'),
    clock: extra.clock,
  });
}

export { createManualClock };

export interface RunningHub {
  ctx: HubContext;
  url: string;
  dispatcher: Dispatcher;
  /** POSTs a form to the hub. */
  post(form: Record<string, string | string[]>): Promise<Response>;
  close(): Promise<void>;
}

/** A whole hub over the network: jobs and dispatcher running, real clock. */
export async function startTestHub(env: Record<string, string> = {}): Promise<RunningHub> {
  const { db, sqlite, close: closeDb } = openHubDatabase(':memory:');
  let url = '';
  const ctx = createHubContext({ config: testConfig(env), db, sqlite, hubUrl: () => `${url}/` });
  const dispatcher = createDistributionDispatcher(ctx);
  const server = await serve({ app: createApp(ctx), port: 0, hostname: '127.0.0.1' });
  url = server.url;
  ctx.jobs.start();
  await dispatcher.start();
  return {
    ctx,
    url,
    dispatcher,
    post: (form) => fetch(`${url}/`, { method: 'POST', body: formBody(form) }),
    close: async () => {
      await ctx.jobs.stop();
      await dispatcher.stop({ drainMs: 0 });
      await server.close();
      closeDb();
    },
  };
}

export function formBody(form: Record<string, string | string[]>): URLSearchParams {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const one of [v].flat()) body.append(k, one);
  return body;
}

export interface Received {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
}

type Reply = { status: number; body?: string } | undefined;
type Answer = (req: Received) => Reply | Promise<Reply>;

/**
 * A subscriber on a loopback port: records every request and answers verifications by echoing the
 * challenge (unless `answer` says otherwise, possibly later) and distributions with 204. `next(pred)` waits
 * for a request to arrive (before it is answered).
 */
export async function startSubscriber(answer?: Answer) {
  const seen: Received[] = [];
  const waiters: { pred: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];
  let answerFn = answer;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const r: Received = {
        method: req.method ?? '',
        url: new URL(req.url ?? '/', 'http://127.0.0.1'),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(r);
      for (const w of waiters.splice(0)) {
        if (w.pred(r)) w.resolve(r);
        else waiters.push(w);
      }
      const custom = await answerFn?.(r);
      if (custom) {
        res.writeHead(custom.status, { 'content-type': 'text/plain' }).end(custom.body ?? '');
      } else if (r.method === 'GET') {
        res
          .writeHead(200, { 'content-type': 'text/plain' })
          .end(r.url.searchParams.get('hub.challenge') ?? '');
      } else {
        res.writeHead(204).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    seen,
    setAnswer(fn: Answer | undefined) {
      answerFn = fn;
    },
    /** The first request (already seen or still to come) matching `pred`. */
    next(pred: (r: Received) => boolean): Promise<Received> {
      const found = seen.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ pred, resolve }));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A topic server: `set(path, body, type)` changes what a GET of that path answers. */
export async function startTopicServer() {
  const topics = new Map<string, { body: string | Buffer; type: string; status: number }>();
  let fetches = 0;
  const server = createServer((req, res) => {
    fetches++;
    const t = topics.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (!t) return void res.writeHead(404).end('no such topic');
    res.writeHead(t.status, { 'content-type': t.type }).end(t.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    fetches: () => fetches,
    set(path: string, body: string | Buffer, type = 'application/json', status = 200) {
      topics.set(path, { body, type, status });
      return `${base}${path}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
