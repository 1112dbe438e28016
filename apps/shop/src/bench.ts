// Bench: a signed `payment_intent.succeeded` POSTed to the shop's receiver → the order marked paid.
// Run: pnpm exec tsx apps/shop/src/bench.ts [orders=300] [concurrency=1]
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sleep } from '@hooklab/service';
import Stripe from 'stripe';
import { start } from './main.ts';

const ORDERS = Number(process.argv[2] ?? 300);
const CONCURRENCY = Number(process.argv[3] ?? 1);
const SECRET = 'whsec_bench_secret';
const ADMIN_KEY = 'bench_admin_key_not_secret';

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

async function main() {
  // Logistics stand-in: takes every order.created with a 202, so the outbox empties as it would in the stack.
  let accepted = 0;
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      accepted += 1;
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"shipment_id":"shp_bench"}');
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const shop = await start({
    PORT: '0',
    DATA_DIR: ':memory:',
    LOG_LEVEL: 'silent',
    STRIPE_WEBHOOK_SECRET: SECRET,
    SHOP_ADMIN_KEY: ADMIN_KEY,
    PAYMENTS_URL: 'http://127.0.0.1:9',
    LOGISTICS_URL: `http://127.0.0.1:${(sink.address() as AddressInfo).port}`,
  });
  const order = {
    // Made to order: no stock to run out of, however many orders the bench pays.
    items: [{ product_id: 'prd_velvet_midi', quantity: 1 }],
    customer: { name: 'Bench', email: 'bench@example.com' },
    ship_to: { name: 'Bench', line1: '1 Rue', city: 'Paris', postal_code: '75001', country: 'FR' },
  };
  const ids: string[] = [];
  for (let i = 0; i < ORDERS + 20; i++) {
    const res = await fetch(`${shop.url}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(order),
    });
    ids.push(((await res.json()) as { id: string }).id);
  }

  const deliver = async (orderId: string, n: number): Promise<number> => {
    const payload = JSON.stringify({
      id: `evt_bench_${n}`,
      object: 'event',
      api_version: '2025-01-27.acacia',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type: 'payment_intent.succeeded',
      data: {
        object: {
          id: `pi_bench_${n}`,
          object: 'payment_intent',
          status: 'succeeded',
          amount: 21500,
          currency: 'eur',
          metadata: { order_id: orderId },
        },
      },
    });
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET });
    const t0 = performance.now();
    const res = await fetch(`${shop.url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': header },
      body: payload,
    });
    // The receiver answers after the transaction that marks the order paid has committed.
    const body = (await res.json()) as { action?: string };
    const ms = performance.now() - t0;
    if (res.status !== 200 || body.action !== 'moved_to_paid')
      throw new Error(`order ${orderId} not paid: ${res.status} ${JSON.stringify(body)}`);
    return ms;
  };

  for (let i = 0; i < 20; i++) await deliver(ids[ORDERS + i]!, 1_000_000 + i); // warm-up
  // Baseline in the same run: a trivial GET through the same stack (HTTP + middleware), no work behind it.
  const baseline: number[] = [];
  for (let i = 0; i < ORDERS; i++) {
    const t0 = performance.now();
    await (await fetch(`${shop.url}/healthz`)).text();
    baseline.push(performance.now() - t0);
  }
  baseline.sort((a, b) => a - b);
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < ORDERS; i = next++) latencies.push(await deliver(ids[i]!, i));
    }),
  );
  const wallMs = performance.now() - started;
  for (let i = 0; i < 200 && accepted < ORDERS + 20; i++) await sleep(25);
  const sorted = latencies.sort((a, b) => a - b);
  const check = await (
    await fetch(`${shop.url}/api/orders/${ids[0]}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })
  ).json();
  console.log(
    JSON.stringify(
      {
        bench: 'payment_intent.succeeded delivered (signed HTTP POST) → order marked paid (200 after commit)',
        orders: ORDERS,
        concurrency: CONCURRENCY,
        p50Ms: Number(percentile(sorted, 50).toFixed(2)),
        p90Ms: Number(percentile(sorted, 90).toFixed(2)),
        p99Ms: Number(percentile(sorted, 99).toFixed(2)),
        maxMs: Number(sorted.at(-1)!.toFixed(2)),
        perSecond: Math.round((ORDERS / wallMs) * 1000),
        baselineHealthzP50Ms: Number(percentile(baseline, 50).toFixed(2)),
        baselineHealthzP99Ms: Number(percentile(baseline, 99).toFixed(2)),
        orderCreatedDeliveredToLogistics: accepted,
        sampleOrderStatus: (check as { status: string }).status,
        node: process.version,
      },
      null,
      2,
    ),
  );
  await shop.close();
  sink.close();
}

await main();
