// Fixtures for slack's tests: an in-memory workspace (served on 127.0.0.1:0 when asked), its event
// dispatcher, and a receiver standing in for an app's request URL.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExchangeRecorder, type RunningServer, serve, sleep } from '@hooklab/service';
import { type Clock, type Dispatcher, systemClock, verifySlack } from '@hooklab/webhooks';
import { createApp } from './app.ts';
import { loadSlackConfig } from './config.ts';
import { createSlackContext } from './context.ts';
import { openSlackDatabase } from './db/index.ts';
import { seededIds } from './db/seed.ts';
import { createEventDispatcher } from './webhooks/out/dispatcher.ts';

export const DEV_TOKEN = 'slack-test-dev-token-0123456789';
export const BOT_TOKEN = 'xoxb-hooklab';
export const USER_TOKEN = 'xoxp-hooklab';
export const SIGNING_SECRET = 'hooklab-slack-signing-secret-dev';
export const ADMIN_KEY = 'slack_admin_hooklab';

/** A slack on a fresh in-memory database; `listen()` serves it, `startDispatcher()` sends events. */
export function createTestSlack(opts: { env?: Record<string, string>; clock?: Clock } = {}) {
  const config = loadSlackConfig({
    HOOKLAB_DEV: '1',
    HOOKLAB_DEV_TOKEN: DEV_TOKEN,
    LOG_LEVEL: 'silent',
    SLACK_RATE_LIMIT_SCALE: '0',
    ...opts.env,
  });
  const database = openSlackDatabase(':memory:');
  let base = 'http://slack.test';
  const ctx = createSlackContext({
    config,
    db: database.db,
    sqlite: database.sqlite,
    clock: opts.clock ?? systemClock,
    recorder: new ExchangeRecorder('slack'),
    publicUrl: () => base,
  });
  const app = createApp(ctx);
  let server: RunningServer | null = null;
  let dispatcher: Dispatcher | null = null;
  return {
    ctx,
    app,
    config,
    ids: seededIds(config),
    get url() {
      return base;
    },
    async listen() {
      server = await serve({ app, port: 0, hostname: '127.0.0.1' });
      base = server.url;
      return base;
    },
    /** Jitter at its low edge, so Slack's local schedule (0 s, 1 s, 5 s) runs at 90 % of each delay. */
    async startDispatcher() {
      dispatcher = createEventDispatcher(ctx, { random: () => 0 });
      await dispatcher.start();
    },
    async close() {
      await dispatcher?.stop({ drainMs: 200 });
      await server?.close();
      database.close();
    },
  };
}

export type TestSlack = ReturnType<typeof createTestSlack>;

/** A context-only instance for `app.request()` tests; `env` overrides the config (e.g. `{ HOOKLAB_DEV: '0' }`). */
export function testContext(env: Record<string, string> = {}) {
  return createTestSlack({ env }).ctx;
}

export interface ReceivedRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Resolves once `ready(requests)` holds (checked at each arrival); a generous deadline only. */
  arrival(ready: (requests: ReceivedRequest[]) => boolean, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/** An app's request URL on 127.0.0.1:0; `respond` answers each request (default: url_verification, else 200). */
export async function startReceiver(
  respond: (req: ReceivedRequest, res: ServerResponse, n: number) => void = (req, res) =>
    answerChallenge(req, res),
): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const r = { url: req.url ?? '', headers, body: Buffer.concat(chunks).toString() };
      requests.push(r);
      respond(r, res, requests.length);
      for (const w of [...waiters]) w();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    requests,
    arrival: (ready, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!ready(requests)) return;
          waiters.delete(check);
          clearTimeout(deadline);
          resolve(requests);
        };
        const deadline = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting (${requests.length} requests arrived)`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** Answers url_verification with the challenge and anything else with 200, after checking the signature. */
export function answerChallenge(req: ReceivedRequest, res: ServerResponse, secret = SIGNING_SECRET): void {
  try {
    verifySlack({ body: req.body, headers: req.headers, secrets: secret });
  } catch {
    res.writeHead(401).end('bad signature');
    return;
  }
  const body = JSON.parse(req.body || '{}') as { type?: string; challenge?: string };
  if (body.type === 'url_verification') {
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ challenge: body.challenge }));
    return;
  }
  res.writeHead(200).end();
}

/** The events (not url_verification) a receiver got, parsed. */
export const eventsOf = (requests: ReceivedRequest[]) =>
  requests
    .map((r) => ({
      ...r,
      json: JSON.parse(r.body) as { type: string; event_id: string; event: Record<string, unknown> },
    }))
    .filter((r) => r.json.type === 'event_callback');

/** Polls until `probe` is truthy (no timing assertions: only a generous deadline). */
export async function until<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v as T;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(10);
  }
}

export const admin = (method: string, body?: unknown) => ({
  method,
  headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});
