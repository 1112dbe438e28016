// `pnpm exec tsx apps/payments/src/bench.ts`: PaymentIntent create+confirm through the official SDK, sequential
// and 16 concurrent clients, beside a trivial Hono JSON route on @hono/node-server measured in the same run.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { serve } from '@hooklab/service';
import { Hono } from 'hono';
import Stripe from 'stripe';
import { start } from './main.ts';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3000);

interface Result {
  name: string;
  clients: number;
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

async function measure(
  name: string,
  clients: number,
  requestsPerOp: number,
  op: () => Promise<void>,
): Promise<Result> {
  for (let i = 0; i < 50; i++) await op();
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + DURATION_MS;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        await op();
        latencies.push((performance.now() - t) / requestsPerOp);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Number((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(2));
  const requests = latencies.length * requestsPerOp;
  return { name, clients, requests, rps: Math.round(requests / elapsed), p50Ms: at(0.5), p99Ms: at(0.99) };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function get(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      })
      .on('error', reject);
  });
}

const trivialApp = new Hono().all('/v1/json', (c) => c.json({ ok: true, id: 'pi_123', amount: 2000 }));
const trivial = await serve({ app: trivialApp, port: 0 });
// Off: the bench measures the API, not the limiter (PAYMENTS_RATE_LIMIT_PER_SECOND).
const payments = await start({
  PORT: '0',
  DATA_DIR: ':memory:',
  LOG_LEVEL: 'silent',
  PAYMENTS_RATE_LIMIT_PER_SECOND: '0',
});
const stripe = new Stripe('sk_test_hooklab', {
  host: '127.0.0.1',
  port: payments.port,
  protocol: 'http',
  telemetry: false,
  maxNetworkRetries: 0,
});

const sdkOnTrivial = new Stripe('sk_test_hooklab', {
  host: '127.0.0.1',
  port: trivial.port,
  protocol: 'http',
  telemetry: false,
  maxNetworkRetries: 0,
});
const trivialViaSdk = async () => {
  await sdkOnTrivial.rawRequest('POST', '/v1/json', { amount: 2000, currency: 'eur' });
};

const createConfirm = async () => {
  const pi = await stripe.paymentIntents.create({
    amount: 2000,
    currency: 'eur',
    payment_method: 'pm_card_visa',
  });
  await stripe.paymentIntents.confirm(pi.id);
};

const results: Result[] = [];
for (const clients of [1, 16]) {
  results.push(
    await measure('trivial Hono JSON route (node:http client)', clients, 1, () =>
      get(`${trivial.url}/v1/json`),
    ),
  );
  results.push(await measure('trivial Hono JSON route (stripe SDK rawRequest)', clients, 1, trivialViaSdk));
  results.push(await measure('PaymentIntent create + confirm (stripe SDK)', clients, 2, createConfirm));
}
console.table(results);
for (const clients of [1, 16]) {
  const [t, ts, p] = results.filter((r) => r.clients === clients);
  const pct = (a: Result, b: Result) => `${((a.rps / b.rps) * 100).toFixed(0)}%`;
  console.log(
    `${clients} client(s): payments at ${pct(p!, t!)} of the trivial route (plain client), ${pct(p!, ts!)} with the SDK on both`,
  );
}
await payments.close();
await trivial.close();
agent.destroy();
