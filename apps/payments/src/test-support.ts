// Helpers for this app's tests: a real listening server, SDK clients, and a webhook receiver.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sleep } from '@hooklab/service';
import Stripe from 'stripe';
import { loadPaymentsConfig } from './config.ts';
import { createPaymentsContext, type PaymentsContext, type PaymentsContextInput } from './context.ts';
import { openPaymentsDatabase } from './db/index.ts';
import { type PaymentsStartOptions, start } from './main.ts';

export const SK = 'sk_test_hooklab';
export const RK = 'rk_test_hooklab';
export const PK = 'pk_test_hooklab';
export const SK_OTHER = 'sk_test_other';

/**
 * A context on a fresh memory database, for tests that drive `createApp(ctx)` with `app.request`;
 * callback URLs are accepted without an SSRF check unless `urlCheck` is given.
 */
export function createTestContext(
  env: Record<string, string | undefined> = { HOOKLAB_DEV: '1' },
  input: Partial<Omit<PaymentsContextInput, 'config' | 'db' | 'sqlite'>> = {},
): PaymentsContext {
  const { db, sqlite } = openPaymentsDatabase(':memory:');
  return createPaymentsContext({
    db,
    sqlite,
    config: loadPaymentsConfig({ LOG_LEVEL: 'silent', ...env }),
    urlCheck: async () => ({ ok: true }),
    ...input,
  });
}

export type TestServer = Awaited<ReturnType<typeof start>> & { stripe: (key?: string) => Stripe };

/** Starts payments on 127.0.0.1:0 with a memory database; `stripe(key)` is the official SDK pointed at it. */
export async function startTestServer(
  env: Record<string, string> = {},
  opts: PaymentsStartOptions = {},
): Promise<TestServer> {
  const app = await start(
    { PORT: '0', DATA_DIR: ':memory:', LOG_LEVEL: 'silent', HOOKLAB_DEV: '1', ...env },
    opts,
  );
  const clients = new Map<string, Stripe>();
  return {
    ...app,
    stripe(key = SK) {
      let client = clients.get(key);
      if (!client) {
        client = new Stripe(key, {
          host: '127.0.0.1',
          port: app.port,
          protocol: 'http',
          telemetry: false,
          maxNetworkRetries: 0,
        });
        clients.set(key, client);
      }
      return client;
    },
  };
}

export interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A webhook receiver on 127.0.0.1:0 that records every delivery and answers with `respond()`'s status. */
export async function startReceiver(respond: (d: Delivery, n: number) => number = () => 200) {
  const deliveries: Delivery[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const d = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      deliveries.push(d);
      const status = respond(d, deliveries.length);
      res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(JSON.stringify({ received: status < 300 }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/stripe`,
    deliveries,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Polls until `probe` is truthy (webhooks arrive asynchronously); fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 8000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

/** Raw HTTP against the server, for what the SDK would never send. */
export function raw(base: string, path: string, init: RequestInit & { key?: string | null } = {}) {
  const headers = new Headers(init.headers);
  if (init.key !== null) headers.set('authorization', `Bearer ${init.key ?? SK}`);
  return fetch(`${base}${path}`, { ...init, headers, redirect: 'manual' });
}

/** Awaits a call that must fail and returns the SDK's error (a call that succeeds fails the test). */
export async function stripeError(p: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await p;
  } catch (err) {
    return err as Stripe.errors.StripeError;
  }
  throw new Error('expected a Stripe error');
}
