// Logistics bench: `pnpm exec tsx apps/logistics/src/bench.ts`. Real servers on 127.0.0.1, a file database.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from '@hooklab/service';
import { percentile, startAppProcess } from '@hooklab/service/bench';

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));

/**
 * Runs logistics in its own process (as in production), so client and server do not share an event loop.
 * Not in dev mode (no exchange recorder), but loopback callbacks allowed: the sink is on 127.0.0.1.
 */
function start(env: Record<string, string>) {
  return startAppProcess(SERVER, {
    HOOKLAB_DEV: '0',
    WEBHOOK_ALLOW_LOOPBACK: '1',
    // The bench measures the API, not the limiter.
    LOGISTICS_RATE_LIMIT_PER_SECOND: '0',
    // Outside dev mode the built-in blob URL secret is refused.
    BLOBSTORE_SECRET: 'bench-only-blob-url-secret-0123456789',
    ...env,
  });
}

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const WARMUP = 300;
/** POST /v1/shipments p99 may be at most this many times the /healthz p99 measured alongside it. */
const P99_VS_HEALTHZ = 1.5;
const QUOTES = Number(process.env.BENCH_QUOTES ?? 20);
const QUOTE_MS = Number(process.env.BENCH_QUOTE_MS ?? 1000);
const MANIFEST_BYTES = 10 * 1024 * 1024;
const DOWNLOADS = 9;

const fmt = (n: number, d = 2) => n.toFixed(d);

// The callback receiver runs in its own process too, so thousands of callbacks do not share the client's loop.
// It keeps manifest.ready bodies and when each quote.completed arrived (epoch ms, one clock on one machine).
const SINK = `
const http = require('node:http');
let count = 0; const kept = []; const quotes = [];
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'GET') { res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count, kept, quotes })); return; }
    count++;
    const body = Buffer.concat(chunks).toString();
    if (body.includes('"manifest.ready"')) kept.push(body);
    if (body.includes('"quote.completed"')) quotes.push({ id: JSON.parse(body).data.quote_id, at: Date.now() });
    res.writeHead(204).end();
  });
});
server.listen(0, '127.0.0.1', () => console.log('sink on http://127.0.0.1:' + server.address().port));
`;

async function startSink() {
  const child = spawn(process.execPath, ['-e', SINK], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((ok) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /sink on (\S+)/.exec(out);
      if (m) ok(m[1]!);
    });
  });
  return {
    url,
    stats: async () =>
      (await (await fetch(`${url}/stats`)).json()) as {
        count: number;
        kept: string[];
        quotes: { id: string; at: number }[];
      },
    close: () =>
      new Promise<void>((ok) => {
        child.once('exit', () => ok());
        child.kill();
      }),
  };
}

function order(i: number, tag: string) {
  return JSON.stringify({
    order_id: `ord_bench_${tag}_${i}`,
    items: [{ sku: 'DR-001', name: 'Linen wrap dress', quantity: 1 }],
    ship_to: {
      name: 'Ada Lovelace',
      line1: '12 Rue des Fleurs',
      city: 'Paris',
      postal_code: '75001',
      country: 'FR',
    },
  });
}

async function benchCreate(stageMs: number) {
  const dir = mkdtempSync(join(tmpdir(), 'logistics-bench-'));
  const sink = await startSink();
  const app = await start({
    PORT: '0',
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    LOGISTICS_STAGE_MS: String(stageMs),
    LOGISTICS_DEV_CALLBACK_URL: `${sink.url}/cb`,
  });
  // node:http with one keep-alive socket: the least client overhead, so the figures are the server's.
  const target = new URL(app.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const call = (method: string, path: string, body?: string) =>
    new Promise<number>((ok, fail) => {
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          method,
          path,
          agent,
          headers: {
            authorization: 'Bearer lg_test_hooklab',
            'content-type': 'application/json',
            ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
          },
        },
        (res) => {
          res.resume();
          res.once('end', () => ok(res.statusCode ?? 0));
        },
      );
      req.once('error', fail);
      req.end(body);
    });
  const post = async (i: number, tag: string) => {
    const t0 = performance.now();
    const status = await call('POST', '/v1/shipments', order(i, tag));
    const ms = performance.now() - t0;
    if (status !== 202) throw new Error(`POST answered ${status}`);
    return ms;
  };
  const healthz = async () => {
    const t0 = performance.now();
    const status = await call('GET', '/healthz');
    const ms = performance.now() - t0;
    if (status !== 200) throw new Error(`GET /healthz answered ${status}`);
    return ms;
  };
  for (let i = 0; i < WARMUP; i++) {
    await post(i, `w${stageMs}`);
    await healthz();
  }
  // Interleaved in ABBA order (POST, GET, GET, POST, …): both see the same callbacks and job steps in
  // flight, and each follows the other as often as itself, so neither inherits the other's after-work.
  const floor: number[] = [];
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    if (i % 2 === 0) {
      times.push(await post(i, `m${stageMs}`));
      floor.push(await healthz());
    } else {
      floor.push(await healthz());
      times.push(await post(i, `m${stageMs}`));
    }
  }
  floor.sort((a, b) => a - b);
  times.sort((a, b) => a - b);
  const result = {
    stageMs,
    requests: REQUESTS,
    p50: percentile(times, 50),
    p90: percentile(times, 90),
    p99: percentile(times, 99),
    max: times[times.length - 1]!,
    healthzP50: percentile(floor, 50),
    healthzP99: percentile(floor, 99),
    callbacksSoFar: (await sink.stats()).count,
  };
  agent.destroy();
  await app.close();
  await sink.close();
  rmSync(dir, { recursive: true, force: true });
  return result;
}

/**
 * S05 as a figure: how long `POST /v1/quotes` takes to answer 202 against how long the quote job takes
 * (until its quote.completed callback arrives). The scenario only checks the contract, never timing.
 */
async function benchQuotes() {
  const dir = mkdtempSync(join(tmpdir(), 'logistics-bench-'));
  const sink = await startSink();
  const app = await start({
    PORT: '0',
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    LOGISTICS_QUOTE_MS: String(QUOTE_MS),
    LOGISTICS_DEV_CALLBACK_URL: `${sink.url}/cb`,
  });
  try {
    const quote = async (i: number) => {
      const at = Date.now();
      const t0 = performance.now();
      const res = await fetch(`${app.url}/v1/quotes`, {
        method: 'POST',
        headers: { authorization: 'Bearer lg_test_hooklab', 'content-type': 'application/json' },
        body: JSON.stringify({
          origin_postal_code: '75001',
          destination_postal_code: '69002',
          weight_grams: 1800 + i,
          callback_url: `${sink.url}/quotes`,
        }),
      });
      const body = (await res.json()) as { id: string };
      const ms = performance.now() - t0;
      if (res.status !== 202) throw new Error(`POST /v1/quotes answered ${res.status}`);
      return { id: body.id, at, ms };
    };
    for (let i = 0; i < 10; i++) await quote(i); // warm-up (JIT, connection); their callbacks are not counted
    const started = new Map<string, number>();
    const postMs: number[] = [];
    for (let i = 0; i < QUOTES; i++) {
      const { id, at, ms } = await quote(i);
      postMs.push(ms);
      started.set(id, at);
    }
    const deadline = Date.now() + QUOTE_MS + 60_000;
    let arrived: { id: string; at: number }[] = [];
    while (arrived.length < QUOTES) {
      if (Date.now() > deadline)
        throw new Error(`${arrived.length} of ${QUOTES} quote.completed callbacks arrived`);
      await sleep(20);
      arrived = (await sink.stats()).quotes.filter((q) => started.has(q.id));
    }
    const jobMs = arrived.map((q) => q.at - started.get(q.id)!);
    postMs.sort((a, b) => a - b);
    jobMs.sort((a, b) => a - b);
    return {
      postP50: percentile(postMs, 50),
      postMax: postMs[postMs.length - 1]!,
      jobP50: percentile(jobMs, 50),
      jobMax: jobMs[jobMs.length - 1]!,
    };
  } finally {
    await app.close();
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchManifest() {
  const dir = mkdtempSync(join(tmpdir(), 'logistics-bench-'));
  const sink = await startSink();
  const app = await start({
    PORT: '0',
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    LOGISTICS_DEV_CALLBACK_URL: `${sink.url}/cb`,
  });
  const t0 = performance.now();
  const res = await fetch(`${app.url}/v1/manifests`, {
    method: 'POST',
    headers: { authorization: 'Bearer lg_test_hooklab', 'content-type': 'application/json' },
    body: JSON.stringify({ callback_url: `${sink.url}/manifests`, min_bytes: MANIFEST_BYTES }),
  });
  const postMs = performance.now() - t0;
  await res.arrayBuffer();
  let kept: string[] = [];
  while (kept.length === 0) {
    await sleep(10);
    kept = (await sink.stats()).kept;
  }
  const readyMs = performance.now() - t0;
  const callback = kept[0]!;
  const ref = JSON.parse(callback).data as { url: string; size: number; sha256: string };
  const file = join(
    dir,
    'blobs',
    'data',
    decodeURIComponent(new URL(ref.url).pathname.replace(/^\/blobs\//, '')),
  );

  const download = async () => Buffer.from(await (await fetch(ref.url)).arrayBuffer());
  const httpGet = () =>
    new Promise<Buffer>((ok, fail) => {
      http
        .get(ref.url, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => ok(Buffer.concat(chunks)));
        })
        .once('error', fail);
    });
  const local = () => readFile(file);
  const readers: [string, () => Promise<Buffer>, boolean][] = [
    ['fetch() signed URL', download, false],
    ['http.get signed URL', httpGet, false],
    ['local readFile', local, false],
    ['fetch() + sha256', download, true],
    ['http.get + sha256', httpGet, true],
    ['local read + sha256', local, true],
  ];
  // Interleaved rounds, so a change in machine load hits every reader alike; the first round warms up.
  const times = readers.map(() => [] as number[]);
  for (let round = 0; round <= DOWNLOADS; round++) {
    for (const [i, [label, read, digest]] of readers.entries()) {
      const s = performance.now();
      const buf = await read();
      if (digest && createHash('sha256').update(buf).digest('hex') !== ref.sha256)
        throw new Error(`${label}: sha256 mismatch`);
      if (buf.length !== ref.size) throw new Error(`${label}: size mismatch`);
      if (round > 0) times[i]!.push(performance.now() - s);
    }
  }
  const rows = readers.map(([label], i) => {
    const sorted = times[i]!.sort((a, b) => a - b);
    const median = percentile(sorted, 50);
    return { label, medianMs: median, mbPerSec: ref.size / 1048576 / (median / 1000) };
  });
  await app.close();
  await sink.close();
  rmSync(dir, { recursive: true, force: true });
  return { size: ref.size, callbackBytes: Buffer.byteLength(callback), postMs, readyMs, rows };
}

const stages = (process.env.BENCH_STAGES ?? '600000,1500,5').split(',').map(Number);
console.log(
  `load average at start: ${(await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
const created: Awaited<ReturnType<typeof benchCreate>>[] = [];
for (const s of stages) created.push(await benchCreate(s));
console.log(
  `\nPOST /v1/shipments — ${REQUESTS} sequential requests after ${WARMUP} warm-up, interleaved with as many GET /healthz (ABBA), file database (WAL), node:http keep-alive client, latency seen by the client`,
);
console.log(
  'stage ms | p50 ms | p90 ms | p99 ms | max ms | callbacks during run | GET /healthz p50 / p99 | p99 ÷ healthz p99',
);
const ratios = created.map((r) => r.p99 / r.healthzP99);
for (const [i, r] of created.entries()) {
  const ratio = ratios[i]!;
  console.log(
    `${String(r.stageMs).padStart(8)} | ${fmt(r.p50).padStart(6)} | ${fmt(r.p90).padStart(6)} | ${fmt(r.p99).padStart(6)} | ${fmt(r.max).padStart(6)} | ${String(r.callbacksSoFar).padStart(20)} | ${`${fmt(r.healthzP50)} / ${fmt(r.healthzP99)}`.padStart(22)} | ${fmt(ratio)} (${ratio <= P99_VS_HEALTHZ ? 'met' : 'NOT met'})`,
  );
}
const worst = Math.max(...ratios);
console.log(
  `target POST p99 ≤ ${P99_VS_HEALTHZ} × GET /healthz p99 in the same conditions: ${worst <= P99_VS_HEALTHZ ? 'met' : 'NOT met'} (worst ratio ${fmt(worst)}, stage ${created[ratios.indexOf(worst)]?.stageMs} ms)`,
);

const q = await benchQuotes();
console.log(
  `\nS05, ${QUOTES} quotes with a callback_url (LOGISTICS_QUOTE_MS=${QUOTE_MS}): POST /v1/quotes answered 202 in ${fmt(q.postP50)} ms p50 (max ${fmt(q.postMax)}); quote.completed arrived ${fmt(q.jobP50, 0)} ms p50 after the POST (max ${fmt(q.jobMax, 0)}): the POST took ${fmt((q.postP50 / q.jobP50) * 100, 2)} % of the job's time`,
);

const m = await benchManifest();
console.log(
  `\nManifest of ${fmt(m.size / 1048576, 1)} MB: POST answered in ${fmt(m.postMs)} ms, manifest.ready after ${fmt(m.readyMs, 0)} ms`,
);
console.log(
  `callback body: ${m.callbackBytes} bytes (target < 2048: ${m.callbackBytes < 2048 ? 'met' : 'NOT met'})`,
);
console.log('read | median ms | MB/s');
for (const r of m.rows)
  console.log(
    `${r.label.padEnd(24)} | ${fmt(r.medianMs, 1).padStart(9)} | ${fmt(r.mbPerSec, 0).padStart(5)}`,
  );
const [f, g, lf, fs, gs, lfs] = m.rows.map((r) => r.mbPerSec);
const pct = (a: number | undefined, b: number | undefined) => `${fmt(((a ?? 0) / (b ?? 1)) * 100, 0)}%`;
console.log(`download / local, raw: fetch ${pct(f, lf)}, http.get ${pct(g, lf)}`);
console.log(
  `download / local, with the sha256 check a receiver must do: fetch ${pct(fs, lfs)}, http.get ${pct(gs, lfs)} (target ≥ 50%)`,
);
console.log(
  `load average during the run: ${(await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${(await import('node:os')).cpus().length} CPUs`,
);
