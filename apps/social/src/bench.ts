// Social bench: `pnpm exec tsx apps/social/src/bench.ts`. social in its own process on a file database,
// a webhook receiver here: post with #dresses → signed delivery received, one post at a time.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createXCrcResponse, verifyX } from '@hooklab/webhooks';

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));
const POSTS = Number(process.env.BENCH_POSTS ?? 300);
const WARMUP = 30;
const BEARER = 'bench-bearer-token-0123456789abcdef';
const SECRET = 'bench-consumer-secret-0123456789';
const USER = 'su_bench_atelier';

/** social as in production (not dev mode), loopback callbacks allowed: the receiver is on 127.0.0.1. */
async function startSocial(dataDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    env: {
      ...process.env,
      PORT: '0',
      HOOKLAB_DEV: '0',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      WEBHOOK_ALLOW_LOOPBACK: '1',
      SOCIAL_DEV_BEARER_TOKEN: BEARER,
      SOCIAL_DEV_CONSUMER_SECRET: SECRET,
      SOCIAL_DEV_USER_TOKEN_PREFIX: 'su_bench_',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) ok(m[1]!);
    });
    child.once('exit', (code) => fail(new Error(`social exited with ${code}`)));
  });
  return {
    url,
    close: () =>
      new Promise<void>((ok) => {
        child.once('exit', () => ok());
        child.kill('SIGTERM');
      }),
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
    const toDelivery: number[] = [];
    const postCall: number[] = [];
    for (let i = 0; i < WARMUP + POSTS; i++) {
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
      if (i >= WARMUP) {
        toDelivery.push(arrived - t0);
        postCall.push(t1 - t0);
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
    console.log(`  signatures refused: ${receiver.refused()}`);
    console.log(
      '  post → message in #social: not measured (the notifier does not post social matches into Slack yet)',
    );
  } finally {
    await receiver.close();
    await social.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
