// Hub fan-out bench: `pnpm bench hub`. One publish to N verified subscribers on loopback, time to the last
// delivery and deliveries/s, unsigned and signed, beside the raw floor (N node:http keep-alive POSTs from one
// process) in the same run. The hub runs in its own process (as in production), on a file database; the
// subscribers are one node:http server in another process; this process publishes and serves the topics.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAppProcess } from '@hooklab/service/bench';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/**
 * Uncounted rounds first: the hub's CPU per publish falls by about 40% over its first three publishes while
 * V8 compiles its much longer path (profiled), so one warm-up measured the JIT, not the hub.
 */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
/** Sockets for the floor, and the hub's HUB_DELIVERY_CONCURRENCY: both sides get the same parallelism. */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const TARGET = 1.5;
const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));
const BODY = JSON.stringify({ symbol: 'ACME', price: 101.25, pad: 'x'.repeat(900) });

// The subscribers: echo verification challenges, 204 every POST; tell the parent when `expect` POSTs arrived.
const RECEIVER = `
const http = require('node:http');
let expect = Infinity, seen = 0, gets = 0;
const server = http.createServer((req, res) => {
  if (req.method === 'GET') {
    gets++;
    const u = new URL(req.url, 'http://x');
    res.writeHead(200, { 'content-type': 'text/plain' }).end(u.searchParams.get('hub.challenge') || '');
    process.send({ gets });
    return;
  }
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(204).end();
    if (++seen === expect) process.send({ done: true });
  });
});
server.keepAliveTimeout = 60000;
process.on('message', (m) => { if (m.expect) { expect = m.expect; seen = 0; process.send({ ready: true }); } });
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
`;

function waitFor<T>(child: ChildProcess, pick: (m: Record<string, unknown>) => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: Record<string, unknown>) => {
      const v = pick(m);
      if (v !== undefined) {
        child.off('message', on);
        resolve(v);
      }
    };
    child.on('message', on);
  });
}

function startHub(dataDir: string) {
  return startAppProcess(SERVER, {
    PORT: '0',
    HOST: '127.0.0.1',
    HOOKLAB_DEV: '0',
    WEBHOOK_ALLOW_LOOPBACK: '1',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    HUB_DELIVERY_CONCURRENCY: String(CONCURRENCY),
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function post(url: string, body: string, type: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': type } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = 'application/x-www-form-urlencoded';

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'hooklab-hub-bench-'));
  const receiver = spawn(process.execPath, ['-e', RECEIVER], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await waitFor(receiver, (m) => m.port as number | undefined);
  const sink = `http://127.0.0.1:${port}`;
  const topicServer = http.createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(BODY),
  );
  await new Promise<void>((ok) => topicServer.listen(0, '127.0.0.1', ok));
  const topicBase = `http://127.0.0.1:${(topicServer.address() as AddressInfo).port}`;
  const hub = await startHub(dataDir);
  const topics = { unsigned: `${topicBase}/quotes/unsigned`, signed: `${topicBase}/quotes/signed` };

  try {
    // 2 × N subscriptions, verified by the receiver; wait until the hub lists them all.
    const verified = waitFor(receiver, (m) => ((m.gets as number) === 2 * SUBSCRIBERS ? true : undefined));
    const requests: Promise<number>[] = [];
    for (let i = 0; i < SUBSCRIBERS; i++) {
      requests.push(
        post(
          `${hub.url}/`,
          form({ 'hub.mode': 'subscribe', 'hub.callback': `${sink}/u/${i}`, 'hub.topic': topics.unsigned }),
          FORM,
        ),
      );
      requests.push(
        post(
          `${hub.url}/`,
          form({
            'hub.mode': 'subscribe',
            'hub.callback': `${sink}/s/${i}`,
            'hub.topic': topics.signed,
            'hub.secret': `secret-${i}`,
          }),
          FORM,
        ),
      );
    }
    const statuses = await Promise.all(requests);
    if (statuses.some((s) => s !== 202)) throw new Error('a subscription request was refused');
    await verified;
    for (;;) {
      const res = await fetch(
        `${hub.url}/v1/subscriptions?limit=1000&topic=${encodeURIComponent(topics.signed)}`,
      );
      const { data } = (await res.json()) as { data: unknown[] };
      if (data.length === SUBSCRIBERS) break;
      await new Promise((r) => setTimeout(r, 50));
    }

    const runs: Record<'floor' | 'unsigned' | 'signed', number[]> = { floor: [], unsigned: [], signed: [] };
    const arm = async () => {
      receiver.send({ expect: SUBSCRIBERS });
      await waitFor(receiver, (m) => m.ready as boolean | undefined);
      // Wrapped: an async function returning the promise itself would wait for it.
      return { arrived: waitFor(receiver, (m) => m.done as boolean | undefined) };
    };
    // Warm-up rounds of each, then interleaved rounds.
    for (let round = -WARMUP; round < ROUNDS; round++) {
      {
        const done = await arm();
        const t0 = performance.now();
        await Promise.all(
          Array.from({ length: SUBSCRIBERS }, (_, i) => post(`${sink}/u/${i}`, BODY, 'application/json')),
        );
        await done.arrived;
        if (round >= 0) runs.floor.push(performance.now() - t0);
      }
      for (const kind of ['unsigned', 'signed'] as const) {
        const done = await arm();
        const t0 = performance.now();
        const status = await post(
          `${hub.url}/`,
          form({ 'hub.mode': 'publish', 'hub.url': topics[kind] }),
          FORM,
        );
        if (status !== 202) throw new Error(`publish answered ${status}`);
        await done.arrived;
        if (round >= 0) runs[kind].push(performance.now() - t0);
      }
    }

    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const floor = median(runs.floor);
    const row = (name: string, ms: number) =>
      `${name.padEnd(44)} ${ms.toFixed(1).padStart(9)} ms ${Math.round((SUBSCRIBERS / ms) * 1000)
        .toLocaleString('en')
        .padStart(10)}/s ${(ms / floor).toFixed(2).padStart(6)}×`;
    console.log(
      `hub fan-out: one publish → ${SUBSCRIBERS} verified subscribers on loopback, ${CONCURRENCY} in flight, median of ${ROUNDS} after ${WARMUP} warm-up rounds (load average ${loadavg()[0]!.toFixed(1)})`,
    );
    console.log(
      `${'row'.padEnd(44)} ${'last at'.padStart(12)} ${'deliveries'.padStart(12)} ${'÷ floor'.padStart(7)}`,
    );
    console.log(row('(a) raw floor: node:http keep-alive POSTs', floor));
    console.log(row('(b) hub, unsigned', median(runs.unsigned)));
    console.log(row('(c) hub, X-Hub-Signature sha256 per secret', median(runs.signed)));
    for (const kind of ['unsigned', 'signed'] as const) {
      const ratio = median(runs[kind]) / floor;
      console.log(
        `target: last delivery (${kind}) ≤ ${TARGET}× the floor: ${ratio.toFixed(2)}× ${ratio <= TARGET ? 'met' : 'NOT met'}`,
      );
    }
  } finally {
    await hub.close();
    receiver.kill();
    topicServer.close();
    agent.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
