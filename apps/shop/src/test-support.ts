// Shared by the shop's tests only: a shop on a fresh in-memory database, and small fakes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExchangeRecorder, loadConfig, newId } from '@hooklab/service';
import { createSqliteOutbox } from '@hooklab/webhooks';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { createApp } from './app.ts';
import { type ShopConfig, shopConfigSchema } from './config.ts';
import { createShopContext, type ShopContextInput } from './context.ts';
import { openShopDatabase } from './db/index.ts';

export const TEST_STRIPE_SECRET = 'whsec_test_shop_secret';

/** The back-office key in dev mode (SHOP_ADMIN_KEY unset), as an Authorization header. */
export const DEV_ADMIN_KEY = 'shop_admin_hooklab';
export const ADMIN = { authorization: `Bearer ${DEV_ADMIN_KEY}` } as const;

export const ORDER_BODY = {
  items: [{ sku: 'DR-001', quantity: 1 }],
  customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
  ship_to: {
    name: 'Ada Lovelace',
    line1: '12 Rue des Fleurs',
    city: 'Paris',
    postal_code: '75001',
    country: 'FR',
  },
};

export function testConfig(env: Record<string, string> = {}): ShopConfig {
  const cfg = loadConfig(shopConfigSchema, { LOG_LEVEL: 'silent', HOOKLAB_DEV: '1', ...env });
  return {
    ...cfg,
    shopUrl: 'http://127.0.0.1:3001',
    publicUrl: 'http://shop.test',
    paymentsUrl: env.PAYMENTS_URL ?? 'http://127.0.0.1:9',
    logisticsUrl: env.LOGISTICS_URL ?? 'http://127.0.0.1:9',
  };
}

/** A shop on a fresh `:memory:` database; the Stripe client points nowhere unless `paymentsUrl` is given. */
export function testShop(
  opts: { env?: Record<string, string>; paymentsUrl?: string; deps?: Partial<ShopContextInput> } = {},
) {
  const config = testConfig({ ...(opts.paymentsUrl ? { PAYMENTS_URL: opts.paymentsUrl } : {}), ...opts.env });
  const { db, sqlite, close } = openShopDatabase(':memory:');
  const outbox = createSqliteOutbox(sqlite, { tablePrefix: 'shop_' });
  const url = new URL(config.paymentsUrl);
  const stripe = new Stripe(config.STRIPE_SECRET_KEY, {
    host: url.hostname,
    port: Number(url.port),
    protocol: 'http',
    telemetry: false,
    maxNetworkRetries: 0,
  });
  const recorder = new ExchangeRecorder('shop');
  const ctx = createShopContext({
    db,
    sqlite,
    config,
    stripe,
    outbox,
    recorder,
    stripeWebhookSecrets: () => [TEST_STRIPE_SECRET],
    refundRetryMs: 20,
    ...opts.deps,
  });
  // Background work (refunds) stops before the database closes.
  const closeAll = () => {
    void ctx.refunds.stop();
    close();
  };
  return { app: createApp(ctx), ctx, db, sqlite, outbox, config, recorder, close: closeAll };
}

/** Creates an order as a customer would; `cookie` is the customer's session (the bag cookie) it was given. */
export async function createOrder(
  app: ReturnType<typeof testShop>['app'],
  body: unknown = ORDER_BODY,
  headers: Record<string, string> = {},
) {
  const res = await app.request('/api/orders', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`order not created: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie')?.split(';')[0] ?? headers.cookie ?? '';
  return { ...((await res.json()) as { id: string; status: string; [k: string]: unknown }), cookie };
}

/** A node:http server on 127.0.0.1:0 for fakes of other services; close it in afterAll. */
export async function listen(
  handler: (req: IncomingMessage, body: string, res: ServerResponse) => void | Promise<void>,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      Promise.resolve(handler(req, Buffer.concat(chunks).toString('utf8'), res)).catch(() => {
        res.statusCode = 500;
        res.end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** A signed Stripe delivery, exactly as payments (or real Stripe) would send it. */
export function stripeDelivery(
  event: Record<string, unknown>,
  opts: { secret?: string; timestamp?: number } = {},
) {
  const payload = JSON.stringify(event);
  const header = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: opts.secret ?? TEST_STRIPE_SECRET,
    timestamp: opts.timestamp,
  });
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': header },
    body: payload,
  };
}

let seq = 0;
/** A Stripe-shaped event with a unique id. */
export function stripeEvent(
  type: string,
  object: Record<string, unknown>,
  created = Math.floor(Date.now() / 1000),
) {
  seq += 1;
  return {
    id: `evt_test_${Date.now()}_${seq}`,
    object: 'event',
    api_version: '2025-01-27.acacia',
    created,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
}

export const piObject = (
  id: string,
  orderId: string,
  status = 'succeeded',
  extra: Record<string, unknown> = {},
) => ({
  id,
  object: 'payment_intent',
  amount: 12900,
  currency: 'eur',
  status,
  metadata: { order_id: orderId },
  last_payment_error: null,
  ...extra,
});

export interface FakeRequest {
  method: string;
  path: string;
  form: URLSearchParams;
  key: string | undefined;
  userAgent: string | undefined;
}

/**
 * Just enough of payments for checkout, PaymentIntents and refunds, each request recorded. Set `refundFailures`
 * to answer that many refunds with a 500 first, or `refundRefusal` to refuse them (400), as payments would.
 */
export async function fakePayments() {
  const state = {
    requests: [] as FakeRequest[],
    sessions: new Map<string, Record<string, unknown>>(),
    refundFailures: 0,
    refundRefusal: undefined as string | undefined,
    refundStatus: 'succeeded',
  };
  let n = 0;
  const server = await listen((req, body, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    const form = new URLSearchParams(body);
    state.requests.push({
      method: req.method ?? '',
      path,
      form,
      key: req.headers['idempotency-key'] as string | undefined,
      userAgent: req.headers['user-agent'],
    });
    if (req.method === 'POST' && path === '/v1/checkout/sessions') {
      n += 1;
      const id = `cs_test_fake_${n}`;
      const session = {
        id,
        object: 'checkout.session',
        url: `${server.url}/pay/${id}`,
        status: 'open',
        payment_status: 'unpaid',
        payment_intent: `pi_fake_${n}`,
        expires_at: Number(form.get('expires_at')),
        client_reference_id: form.get('client_reference_id'),
        metadata: { order_id: form.get('metadata[order_id]') },
      };
      state.sessions.set(id, session);
      return json(res, 200, session);
    }
    const session = req.method === 'GET' && state.sessions.get(path.replace('/v1/checkout/sessions/', ''));
    if (session) return json(res, 200, session);
    if (req.method === 'POST' && path === '/v1/payment_intents') {
      n += 1;
      return json(res, 200, {
        id: `pi_fake_${n}`,
        object: 'payment_intent',
        status: 'requires_payment_method',
        client_secret: `pi_fake_${n}_secret_x`,
        amount: Number(form.get('amount')),
        currency: form.get('currency'),
        metadata: { order_id: form.get('metadata[order_id]') },
      });
    }
    if (req.method === 'POST' && path === '/v1/refunds') {
      if (state.refundFailures > 0) {
        state.refundFailures -= 1;
        return json(res, 500, { error: { type: 'api_error', message: 'payments is having a moment' } });
      }
      if (state.refundRefusal)
        return json(res, 400, {
          error: {
            type: 'invalid_request_error',
            code: 'charge_not_refundable',
            message: state.refundRefusal,
          },
        });
      n += 1;
      return json(res, 200, {
        id: `re_fake_${n}`,
        object: 'refund',
        amount: 34000,
        currency: 'eur',
        payment_intent: form.get('payment_intent'),
        status: state.refundStatus,
        metadata: { order_id: form.get('metadata[order_id]') },
      });
    }
    json(res, 404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: 'no' } });
  });
  return Object.assign(state, {
    url: server.url,
    close: server.close,
    made: (method: string, path: string) =>
      state.requests.filter((r) => r.method === method && r.path === path),
  });
}

/** Reads one SSE message at a time from a streaming response (comments skipped). */
export function sseReader(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next(): Promise<{ id: string | undefined; event: string | undefined; data: string }> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(':')) continue;
          const field = (name: string) =>
            block
              .split('\n')
              .filter((l) => l.startsWith(`${name}:`))
              .map((l) => l.slice(name.length + 1).replace(/^ /, ''));
          return { id: field('id')[0], event: field('event')[0], data: field('data').join('\n') };
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    },
    cancel: () => reader.cancel(),
  };
}

/** A logistics callback signed with the dev callback secret, exactly as logistics sends it. */
export function logisticsCallback(type: string, data: Record<string, unknown>, id = newId('msg')) {
  const at = new Date();
  const payload = JSON.stringify({ type, timestamp: at.toISOString(), data });
  const secret = shopConfigSchema.parse({}).LOGISTICS_WEBHOOK_SECRET;
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, at, payload),
    },
    body: payload,
  };
}
