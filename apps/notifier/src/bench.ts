// Bench: a shop order event committed → the notifier's message visible in #orders of the Slack stand-in.
// The shop and apps/slack run in their own processes (as in `pnpm dev`); the notifier runs here. t0 is the
// moment a signed payment_intent.succeeded leaves for the shop (which commits the order paid and its order.paid
// outbox message before answering), t1 the Slack UI's live stream showing the message. Run: pnpm exec tsx apps/notifier/src/bench.ts [n=100]
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { freePort } from '@hooklab/service/ports';
import Stripe from 'stripe';
import { start } from './main.ts';

const N = Number(process.argv[2] ?? 100);
const WARMUP = 10;
const SECRET = 'whsec_bench_secret';
const ADMIN_KEY = 'bench_admin_key_not_secret';
const app = (name: string) => fileURLToPath(new URL(`../../${name}/src/server.ts`, import.meta.url));

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

async function startServer(name: string, env: Record<string, string>): Promise<() => Promise<void>> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', app(name)], {
    env: {
      ...process.env,
      HOOKLAB_DEV: '1',
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      DATA_DIR: ':memory:',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (/listening on http/.test(out)) ok();
    });
    child.once('exit', (code) => fail(new Error(`${name} exited with ${code}`)));
  });
  return () =>
    new Promise<void>((ok) => {
      child.once('exit', () => ok());
      child.kill('SIGTERM');
    });
}

/** Follows the Slack UI's live stream; resolves a waiter when a new message's text contains its key. */
async function followSlack(slackUrl: string) {
  const waiters = new Map<string, (at: number) => void>();
  const abort = new AbortController();
  const res = await fetch(`${slackUrl}/ui/stream`, { signal: abort.signal });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buf += value;
      let cut = buf.indexOf('\n\n');
      while (cut >= 0) {
        const frame = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        cut = buf.indexOf('\n\n');
        const data = frame
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trim())
          .join('');
        if (!data) continue;
        const at = performance.now();
        const e = JSON.parse(data) as { type?: string; message?: { text?: string } };
        if (e.type !== 'message') continue;
        for (const [key, resolve] of waiters)
          if (e.message?.text?.includes(key)) {
            waiters.delete(key);
            resolve(at);
          }
      }
    }
  })();
  return {
    seen: (key: string) => new Promise<number>((resolve) => waiters.set(key, resolve)),
    close: () => abort.abort(),
  };
}

async function main() {
  const [slackPort, shopPort, notifierPort] = [await freePort(), await freePort(), await freePort()];
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(202, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const urls = {
    SLACK_URL: `http://127.0.0.1:${slackPort}`,
    SHOP_URL: `http://127.0.0.1:${shopPort}`,
    NOTIFIER_URL: `http://127.0.0.1:${notifierPort}`,
    PAYMENTS_URL: 'http://127.0.0.1:9',
    LOGISTICS_URL: `http://127.0.0.1:${(sink.address() as AddressInfo).port}`,
  };
  // No rate limit: the bench measures latency, not Slack's tier limits.
  const stopSlack = await startServer('slack', {
    ...urls,
    PORT: String(slackPort),
    SLACK_RATE_LIMIT_SCALE: '0',
  });
  const stopShop = await startServer('shop', {
    ...urls,
    PORT: String(shopPort),
    STRIPE_WEBHOOK_SECRET: SECRET,
    SHOP_ADMIN_KEY: ADMIN_KEY,
  });
  const notifier = await start({
    ...urls,
    PORT: String(notifierPort),
    HOST: '127.0.0.1',
    HOOKLAB_DEV: '1',
    DATA_DIR: ':memory:',
    LOG_LEVEL: 'silent',
    STRIPE_WEBHOOK_SECRET: 'whsec_unused_here',
    SHOP_ADMIN_KEY: ADMIN_KEY,
    NOTIFIER_REGISTER_RETRY_MS: '50',
  });
  const slack = await followSlack(urls.SLACK_URL);
  try {
    for (let i = 0; i < 200; i++) {
      const s = (await (await fetch(`${notifier.url}/api/status`)).json()) as { ready: boolean };
      if (s.ready) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const order = {
      items: [{ product_id: 'prd_velvet_midi', quantity: 1 }],
      customer: { name: 'Bench', email: 'bench@example.com' },
      ship_to: { name: 'Bench', line1: '1 Rue', city: 'Paris', postal_code: '75001', country: 'FR' },
    };
    const once = async (n: number): Promise<number> => {
      const created = await fetch(`${urls.SHOP_URL}/api/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(order),
      });
      const orderId = ((await created.json()) as { id: string }).id;
      const payload = JSON.stringify({
        id: `evt_bench_${n}`,
        object: 'event',
        created: Math.floor(Date.now() / 1000),
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
      const visible = slack.seen(`Order ${orderId} paid`);
      // From the moment the payment webhook leaves: the shop's own commit is inside the figure (an upper bound).
      const t0 = performance.now();
      const res = await fetch(`${urls.SHOP_URL}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': header },
        body: payload,
      });
      const body = (await res.json()) as { action?: string };
      if (body.action !== 'moved_to_paid') throw new Error(`order not paid: ${JSON.stringify(body)}`);
      return (await visible) - t0;
    };
    for (let i = 0; i < WARMUP; i++) await once(1_000_000 + i);
    const latencies: number[] = [];
    for (let i = 0; i < N; i++) latencies.push(await once(i));
    const sorted = latencies.sort((a, b) => a - b);
    console.log(
      JSON.stringify(
        {
          bench: 'shop order.paid committed → notifier → chat.postMessage → message live in #orders',
          events: N,
          p50Ms: Number(percentile(sorted, 50).toFixed(2)),
          p90Ms: Number(percentile(sorted, 90).toFixed(2)),
          p99Ms: Number(percentile(sorted, 99).toFixed(2)),
          maxMs: Number(sorted.at(-1)!.toFixed(2)),
          targetP50Ms: 30,
          node: process.version,
        },
        null,
        2,
      ),
    );
  } finally {
    slack.close();
    await notifier.close();
    await stopShop();
    await stopSlack();
    sink.close();
  }
}

await main();
