// Shared by the shop's tests only: a shop on a fresh in-memory database, and small fakes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExchangeRecorder, loadConfig } from '@hooklab/service';
import { createSqliteOutbox } from '@hooklab/webhooks';
import Stripe from 'stripe';
import { createShop } from './app.ts';
import { type ShopConfig, shopConfigSchema } from './config.ts';
import { openShopDatabase } from './db/index.ts';
import type { ShopDeps } from './shop.ts';

export const TEST_STRIPE_SECRET = 'whsec_test_shop_secret';

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
  opts: { env?: Record<string, string>; paymentsUrl?: string; deps?: Partial<ShopDeps> } = {},
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
  const shop = createShop({
    db,
    sqlite,
    config,
    stripe,
    outbox,
    recorder,
    stripeWebhookSecrets: () => [TEST_STRIPE_SECRET],
    ...opts.deps,
  });
  return { ...shop, db, sqlite, outbox, config, recorder, close };
}

export async function createOrder(app: ReturnType<typeof testShop>['app'], body: unknown = ORDER_BODY) {
  const res = await app.request('/api/orders', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`order not created: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; status: string; [k: string]: unknown };
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
