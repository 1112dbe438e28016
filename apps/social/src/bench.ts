// Social bench: `pnpm exec tsx apps/social/src/bench.ts`. social in its own process on a file database,
// a webhook receiver here, and the Slack hop: apps/slack and the notifier in their own processes, the notifier
// registered with social like the receiver. One post at a time: post with #dresses → signed delivery received,
// and → the notifier's message on the Slack UI's live stream of #social.

import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAppProcess } from '@hooklab/service/bench';
import { createXCrcResponse, verifyX } from '@hooklab/webhooks';

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));
const serverOf = (app: string) => fileURLToPath(new URL(`../../${app}/src/server.ts`, import.meta.url));
const POSTS = Number(process.env.BENCH_POSTS ?? 300);
const WARMUP = 30;
const BEARER = 'bench-bearer-token-0123456789abcdef';
const SECRET = 'bench-consumer-secret-0123456789';
const USER = 'su_bench_atelier';

/** An app's server.ts in its own process on a free port; resolves with its URL once it listens. */
const startProcess = (entry: string, env: Record<string, string>) =>
  startAppProcess(entry, { PORT: '0', LOG_LEVEL: 'warn', ...env });

/** social as in production (not dev mode), loopback callbacks allowed: the receiver is on 127.0.0.1. */
function startSocial(dataDir: string) {
  return startProcess(SERVER, {
    HOOKLAB_DEV: '0',
    DATA_DIR: dataDir,
    WEBHOOK_ALLOW_LOOPBACK: '1',
    SOCIAL_DEV_BEARER_TOKEN: BEARER,
    SOCIAL_DEV_CONSUMER_SECRET: SECRET,
    SOCIAL_DEV_USER_TOKEN_PREFIX: 'su_bench_',
  });
}

/** apps/slack (no rate limits: latency, not tiers) and the notifier, which registers with social at start. */
async function startSlackHop(socialUrl: string) {
  const slack = await startProcess(serverOf('slack'), {
    HOOKLAB_DEV: '1',
    DATA_DIR: ':memory:',
    HOST: '127.0.0.1',
    SLACK_RATE_LIMIT_SCALE: '0',
  });
  const notifier = await startProcess(serverOf('notifier'), {
    HOOKLAB_DEV: '1',
    DATA_DIR: ':memory:',
    HOST: '127.0.0.1',
    SLACK_URL: slack.url,
    SOCIAL_URL: socialUrl,
    SOCIAL_BEARER_TOKEN: BEARER,
    SOCIAL_CONSUMER_SECRET: SECRET,
    NOTIFIER_MARKETS: '0',
    SLACK_REGISTER_APP: '0',
    STRIPE_WEBHOOK_SECRET: 'whsec_bench_unused',
    SHOP_WEBHOOK_SECRET: 'whsec_YmVuY2gtdW51c2Vk',
    NOTIFIER_REGISTER_RETRY_MS: '50',
  });
  for (let i = 0; ; i++) {
    const s = (await (await fetch(`${notifier.url}/api/status`)).json()) as { feeds: { social: string } };
    if (s.feeds.social === 'registered') break;
    if (i > 200) throw new Error('the notifier did not register with social');
    await new Promise((r) => setTimeout(r, 50));
  }
  return { slack, notifier };
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
      for (let cut = buf.indexOf('\n\n'); cut >= 0; cut = buf.indexOf('\n\n')) {
        const frame = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
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

/** Answers the CRC, verifies each delivery's signature, and resolves the waiter for its post id. */
async function startReceiver() {
  const waiters = new Map<string, (at: number) => void>();
  const arrivals = new Map<string, number>();
  let refused = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://r');
    if (req.method === 'GET') {
      const answer = createXCrcResponse(url.searchParams.get('crc_token') ?? '-', SECRET);
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      const body = Buffer.concat(chunks).toString();
      try {
        verifyX({ body, headers: req.headers as Record<string, string>, secrets: SECRET });
      } catch {
        refused++;
        return void res.writeHead(401).end();
      }
      res.writeHead(200).end();
      const id = (JSON.parse(body) as { data: { id: string } }).data.id;
      arrivals.set(id, at);
      waiters.get(id)?.(at);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/social`,
    /** When the delivery of post `id` arrived (it may arrive before the POST's answer is read). */
    arrival: (id: string) =>
      new Promise<number>((ok) => {
        const at = arrivals.get(id);
        if (at !== undefined) return ok(at);
        waiters.set(id, ok);
      }),
    refused: () => refused,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'hooklab-social-bench-'));
  const social = await startSocial(dir);
  const receiver = await startReceiver();
  let hop: Awaited<ReturnType<typeof startSlackHop>> | undefined;
  let slack: Awaited<ReturnType<typeof followSlack>> | undefined;
  try {
    const api = async (path: string, body: unknown, token = BEARER) => {
      const res = await fetch(`${social.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { data: { id: string } };
    };
    await api('/2/webhooks', { url: receiver.url });
    await api('/2/tweets/search/stream/rules', { add: [{ value: '#dresses', tag: 'bench' }] });
    // The notifier registers its own webhook and finds the #dresses rule already there.
    hop = await startSlackHop(social.url);
    slack = await followSlack(hop.slack.url);
    const toDelivery: number[] = [];
    const postCall: number[] = [];
    const toSlack: number[] = [];
    for (let i = 0; i < WARMUP + POSTS; i++) {
      const visible = slack!.seen(`dress no. ${i} #dresses`);
      const t0 = performance.now();
      const sent = fetch(`${social.url}/2/tweets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${USER}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: `New in: dress no. ${i} #dresses` }),
      });
      const res = await sent;
      const t1 = performance.now();
      const { data } = (await res.json()) as { data: { id: string } };
      const arrived = await receiver.arrival(data.id);
      const shown = await visible;
      if (i >= WARMUP) {
        toDelivery.push(arrived - t0);
        postCall.push(t1 - t0);
        toSlack.push(shown - t0);
      }
    }
    console.log(
      `social bench: ${POSTS} posts with #dresses, one at a time, social in its own process (file database)`,
    );
    console.log(
      `  POST /2/tweets answered        p50 ${ms(pct(postCall, 0.5))}  p99 ${ms(pct(postCall, 0.99))}`,
    );
    console.log(
      `  post → signed delivery received p50 ${ms(pct(toDelivery, 0.5))}  p99 ${ms(pct(toDelivery, 0.99))}  (target for → #social: p50 < 50 ms)`,
    );
    console.log(
      `  post → message live in #social  p50 ${ms(pct(toSlack, 0.5))}  p99 ${ms(pct(toSlack, 0.99))}  (social → notifier → chat.postMessage → Slack UI stream)`,
    );
    console.log(`  signatures refused: ${receiver.refused()}`);
  } finally {
    slack?.close();
    await hop?.notifier.close();
    await hop?.slack.close();
    await receiver.close();
    await social.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
