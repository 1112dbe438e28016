// Test fixtures shared by the suites beside the code: an in-memory (or file) logistics, a callback receiver.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalBlobStore } from '@hooklab/blobstore';
import { newId, type RunningServer, serve, sleep } from '@hooklab/service';
import { type Clock, createDispatcher, type Dispatcher, type LookupFn, systemClock } from '@hooklab/webhooks';
import { Webhook } from 'standardwebhooks';
import { createApp } from './app.ts';
import { loadLogisticsConfig } from './config.ts';
import { createLogisticsContext } from './context.ts';
import { openLogisticsDatabase } from './db/index.ts';

export const DEV_KEY = 'lg_test_hooklab';
export const READONLY_KEY = 'lg_test_readonly';
export const OTHER_KEY = 'lg_test_other';
export const INBOUND_SECRET = 'whsec_aG9va2xhYi1sb2dpc3RpY3MtaW5ib3VuZC1kZXYtc2VjcmV0';
export const CALLBACK_SECRET = 'whsec_aG9va2xhYi1sb2dpc3RpY3MtY2FsbGJhY2stZGV2LXNlY3JldA==';

/** A resolver that never touches the network: names map to fixed addresses. */
export const fakeLookup: LookupFn = async (host) => {
  const table: Record<string, string> = {
    localhost: '127.0.0.1',
    'internal.example.test': '10.1.2.3',
    'public.example.test': '93.184.215.14',
  };
  const address = table[host];
  if (!address) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return [{ address, family: 4 }];
};

export interface TestLogisticsOptions {
  env?: Record<string, string>;
  clock?: Clock;
  /** A database file (restart tests); default in memory. */
  file?: string;
  blobDir?: string;
  /** The SSRF guard's resolver; default `fakeLookup`. */
  lookup?: LookupFn;
}

/** A logistics instance on a fresh database and blob folder; nothing started. */
export function createTestLogistics(opts: TestLogisticsOptions = {}) {
  const clock = opts.clock ?? systemClock;
  const config = loadLogisticsConfig({
    LOG_LEVEL: 'silent',
    HOOKLAB_DEV: '1',
    LOGISTICS_STAGE_MS: '5',
    LOGISTICS_QUOTE_MS: '5',
    SHOP_URL: 'http://127.0.0.1:9',
    // The warehouse's pick lists are off unless a test asks for them (outbox assertions stay about callbacks).
    LOGISTICS_PICK_LIST_QUEUE: '',
    ...opts.env,
  });
  const database = openLogisticsDatabase(opts.file ?? ':memory:');
  const ownDir = !opts.blobDir;
  const dir = opts.blobDir ?? mkdtempSync(join(tmpdir(), 'logistics-test-blobs-'));
  let base = 'http://logistics.test';
  const blobs = createLocalBlobStore({
    dir,
    baseUrl: () => `${base}/blobs`,
    secret: config.BLOBSTORE_SECRET,
    clock,
  });
  const ctx = createLogisticsContext({
    db: database.db,
    sqlite: database.sqlite,
    config,
    blobs,
    clock,
    publicUrl: () => base,
    lookup: opts.lookup ?? fakeLookup,
  });
  const app = createApp(ctx);
  let dispatcher: Dispatcher | null = null;
  let server: RunningServer | null = null;
  return {
    ...ctx,
    app,
    /** Every callback written to the outbox, in order: rows are committed with the state change that caused them. */
    outboxMessages() {
      return ctx.sqlite
        .prepare('SELECT url, event_type AS type FROM outbox_messages ORDER BY rowid')
        .all() as { url: string; type: string }[];
    },
    /** Starts the job runner and an outbox dispatcher (jitter fixed at its low edge: 90 % of each delay). */
    async startWorkers() {
      ctx.jobs.start();
      dispatcher = createDispatcher({
        store: ctx.outbox,
        random: () => 0,
        ssrf: { check: (u) => ctx.guard.check(u) },
      });
      await dispatcher.start();
    },
    /** Serves the app on 127.0.0.1:0 (blob URLs then point at it). */
    async listen() {
      server = await serve({ app, port: 0 });
      base = server.url;
      return server.url;
    },
    async close() {
      await server?.close();
      await ctx.jobs.stop();
      await dispatcher?.stop({ drainMs: 500 });
      database.close();
      if (ownDir) rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** POSTs only, each verified with the npm `standardwebhooks` library against `secret`. */
  events(secret?: string): ReceivedEvent[];
  /** Resolves on the arrival that makes `ready(requests)` true (checked at each arrival, no polling). */
  arrival(ready: (requests: ReceivedRequest[]) => boolean, timeoutMs?: number): Promise<ReceivedRequest[]>;
  /** Resolves with the verified events once `n` POSTs have arrived. */
  nextEvents(n: number, secret?: string, timeoutMs?: number): Promise<ReceivedEvent[]>;
  close(): Promise<void>;
}

export interface ReceivedEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

/** A callback receiver on 127.0.0.1:0 (node:http); `respond` picks each answer. */
export async function startReceiver(
  respond: (req: ReceivedRequest, res: ServerResponse, n: number) => void = (_req, res) => {
    res.writeHead(200).end('ok');
  },
): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const r = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers,
        body: Buffer.concat(chunks).toString(),
      };
      requests.push(r);
      respond(r, res, requests.length);
      for (const w of [...waiters]) w();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  const events = (secret = CALLBACK_SECRET): ReceivedEvent[] => {
    const wh = new Webhook(secret);
    return requests
      .filter((r) => r.method === 'POST')
      .map((r) => {
        const payload = wh.verify(r.body, r.headers) as { type: string; data: Record<string, unknown> };
        return { id: r.headers['webhook-id']!, type: payload.type, data: payload.data };
      });
  };
  const arrival = (ready: (requests: ReceivedRequest[]) => boolean, timeoutMs = 10_000) =>
    new Promise<ReceivedRequest[]>((resolve, reject) => {
      const check = () => {
        if (!ready(requests)) return;
        waiters.delete(check);
        clearTimeout(deadline);
        resolve(requests);
      };
      // Only a generous deadline, so a missing delivery fails the test instead of hanging it.
      const deadline = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for a delivery (${requests.length} arrived)`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    events,
    arrival,
    async nextEvents(n, secret, timeoutMs) {
      await arrival((all) => all.filter((r) => r.method === 'POST').length >= n, timeoutMs);
      return events(secret);
    },
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** Polls until `probe` is truthy (no timing assertions: only a generous deadline). */
export async function until<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v as T;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(10);
  }
}

/** Signs an `order.created` delivery the way a merchant would (npm `standardwebhooks`). */
export function signedOrder(
  body: unknown,
  opts: { id?: string; secret?: string; merchant?: string; at?: Date } = {},
) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const id = opts.id ?? newId('msg');
  const at = opts.at ?? new Date();
  const signature = new Webhook(opts.secret ?? INBOUND_SECRET).sign(id, at, raw);
  return {
    method: 'POST',
    body: raw,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signature,
      'x-merchant-id': opts.merchant ?? 'mer_atelier',
    },
  };
}

export function order(overrides: Record<string, unknown> = {}) {
  return {
    order_id: newId('ord'),
    items: [{ sku: 'DR-001', name: 'Linen wrap dress', quantity: 1 }],
    ship_to: {
      name: 'Ada Lovelace',
      line1: '12 Rue des Fleurs',
      city: 'Paris',
      postal_code: '75001',
      country: 'FR',
    },
    ...overrides,
  };
}

export const auth = (key = DEV_KEY) => ({ authorization: `Bearer ${key}` });
export const json = (body: unknown, key = DEV_KEY, extra: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { ...auth(key), 'content-type': 'application/json', ...extra },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
