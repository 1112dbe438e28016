// `pnpm bench`: the delivery engine on loopback. One run, one table: raw floor, at-most-once,
// at-least-once on SQLite (and PostgreSQL when DATABASE_URL is set), steady-rate latency, memory.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { createDispatcher } from '../outbox/dispatcher.ts';
import { createFireAndForget } from '../outbox/fire-and-forget.ts';
import { createPostgresOutbox } from '../outbox/postgres-store.ts';
import { createSqliteOutbox } from '../outbox/sqlite-store.ts';
import type { NewMessage, OutboxStore } from '../outbox/types.ts';

const N = Number(process.env.BENCH_MESSAGES ?? 20_000);
const STEADY_RATE = 500;
const STEADY_SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? 10);
const PENDING = 100_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ENDPOINTS = 8;
const SECRET = `whsec_${Buffer.from('hooklab-bench-secret-0123456789ab').toString('base64')}`;
const BODY = JSON.stringify({ type: 'order.paid', data: { pad: 'x'.repeat(1024 - 45) } }).slice(0, 1024);

interface Row {
  name: string;
  perSec: number;
  p50: number;
  p99: number;
  note?: string;
}

const pct = (sorted: Float64Array, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const summarize = (name: string, latencies: number[], seconds: number, note?: string): Row => {
  const sorted = Float64Array.from(latencies).sort();
  return { name, perSec: latencies.length / seconds, p50: pct(sorted, 0.5), p99: pct(sorted, 0.99), note };
};
const median = (rows: Row[]): Row =>
  [...rows].sort((x, y) => x.perSec - y.perSec)[Math.floor(rows.length / 2)]!;
const tick = () => new Promise<void>((r) => setImmediate(r));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function startReceiver(): Promise<{ url: string; stop(): void }> {
  const child = fork(new URL('./receiver-child.mjs', import.meta.url), {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString()).port as number));
  });
  return { url: `http://127.0.0.1:${port}/hooks`, stop: () => child.kill() };
}

const message = (url: string, i: number): NewMessage => ({
  endpointId: `ep_${i % ENDPOINTS}`,
  url,
  eventType: 'order.paid',
  eventId: `evt_${i}`,
  body: BODY,
  signing: { scheme: 'standard', secrets: [SECRET] },
  profile: 'standard',
});

/** (a) The floor: unsigned 1 KB POSTs over a keep-alive node:http agent, 64 in flight. */
async function rawFloor(url: string): Promise<Row> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const target = new URL(url);
  const latencies: number[] = [];
  const body = Buffer.from(BODY);
  const post = () =>
    new Promise<void>((resolve, reject) => {
      const t0 = performance.now();
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': body.length },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - t0);
            resolve();
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next++ < N) await post();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return summarize('(a) raw floor: unsigned POST, node:http keep-alive', latencies, seconds);
}

/** (b) At-most-once, signed, through the engine's fire-and-forget sender, 64 in flight. */
async function atMostOnce(url: string): Promise<Row> {
  const sender = createFireAndForget({ maxInFlight: 64 });
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < N) {
        const i = next++;
        const t0 = performance.now();
        const r = await sender.send(message(url, i));
        if (r.outcome === 'sent') latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const { dropped } = sender.stats();
  sender.close();
  return summarize(
    '(b) at-most-once, signed',
    latencies,
    seconds,
    dropped ? `${dropped} dropped` : undefined,
  );
}

/**
 * At-least-once under saturation: a producer commits batches of 100 messages (keeping at most 512
 * undelivered) while the dispatcher delivers; latency runs from the enqueue commit to the 2xx.
 */
async function atLeastOnce(
  name: string,
  url: string,
  store: OutboxStore,
  enqueueBatch: (msgs: NewMessage[]) => Promise<{ id: string }[]> | { id: string }[],
): Promise<Row> {
  const committedAt = new Map<string, number>();
  const latencies: number[] = [];
  const dispatcher = createDispatcher({
    store,
    onAttempt: ({ message, outcome }) => {
      if (outcome !== 'delivered') return;
      const t0 = committedAt.get(message.id);
      if (t0 !== undefined) {
        latencies.push(performance.now() - t0);
        committedAt.delete(message.id);
      }
    },
  });
  await dispatcher.start();
  const started = performance.now();
  let produced = 0;
  while (produced < N) {
    if (produced - latencies.length < 512) {
      const batch = Array.from({ length: Math.min(100, N - produced) }, (_, k) => message(url, produced + k));
      const rows = await enqueueBatch(batch);
      const t0 = performance.now();
      for (const row of rows) committedAt.set(row.id, t0);
      produced += batch.length;
    }
    await tick();
  }
  while (latencies.length < N) await sleep(1);
  const seconds = (performance.now() - started) / 1000;
  await dispatcher.stop({ drainMs: 5000 });
  return summarize(name, latencies, seconds);
}

/** p99 at a steady offered rate: one message per transaction, 500 per second. */
async function steady(url: string, dir: string): Promise<Row> {
  const db = openSqlite(join(dir, 'steady.db'));
  const store = createSqliteOutbox(db);
  const committedAt = new Map<string, number>();
  const latencies: number[] = [];
  const dispatcher = createDispatcher({
    store,
    onAttempt: ({ message, outcome }) => {
      const t0 = committedAt.get(message.id);
      if (outcome === 'delivered' && t0 !== undefined) latencies.push(performance.now() - t0);
    },
  });
  await dispatcher.start();
  const total = STEADY_RATE * STEADY_SECONDS;
  const started = performance.now();
  let i = 0;
  while (i < total) {
    const due = Math.floor(((performance.now() - started) / 1000) * STEADY_RATE);
    while (i < Math.min(due, total)) {
      const m = db.transaction(() => store.enqueue(db, message(url, i)))();
      committedAt.set(m.id, performance.now());
      i++;
    }
    await sleep(1);
  }
  while (latencies.length < total) await sleep(5);
  const seconds = (performance.now() - started) / 1000;
  await dispatcher.stop();
  db.close();
  return summarize(`(c) at-least-once SQLite, steady ${STEADY_RATE}/s`, latencies, seconds, 'offered rate');
}

async function pendingMemory(dir: string): Promise<{ addedMb: number; whileRunningMb: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const rss = () => {
    gc?.();
    return process.memoryUsage().rss / 1024 / 1024;
  };
  const db = openSqlite(join(dir, 'pending.db'));
  const store = createSqliteOutbox(db);
  const before = rss();
  const unreachable = 'http://127.0.0.1:1/down';
  for (let done = 0; done < PENDING; done += 1000) {
    db.transaction(() => {
      for (let k = 0; k < 1000; k++) store.enqueue(db, message(unreachable, done + k));
    })();
  }
  const added = rss() - before;
  // Then let a dispatcher chew on them against a receiver that refuses connections.
  const dispatcher = createDispatcher({ store });
  await dispatcher.start();
  await sleep(3000);
  await dispatcher.stop({ drainMs: 2000 });
  const running = rss() - before;
  db.close();
  return { addedMb: added, whileRunningMb: running };
}

function openSqlite(file: string) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'hooklab-bench-'));
  const receiver = await startReceiver();
  const rows: Row[] = [];
  try {
    const mem = await pendingMemory(dir);
    await rawFloor(receiver.url); // warm-up: JIT and sockets
    const runs: Record<'a' | 'b' | 'c', Row[]> = { a: [], b: [], c: [] };
    // Interleaved rounds and medians, so background load on the machine hits every case alike.
    for (let round = 0; round < ROUNDS; round++) {
      runs.a.push(await rawFloor(receiver.url));
      runs.b.push(await atMostOnce(receiver.url));
      const db = openSqlite(join(dir, `outbox-${round}.db`));
      const sqliteStore = createSqliteOutbox(db);
      runs.c.push(
        await atLeastOnce(
          '(c) at-least-once, SQLite (WAL, synchronous=NORMAL)',
          receiver.url,
          sqliteStore,
          (msgs) => db.transaction(() => sqliteStore.enqueueMany(db, msgs))(),
        ),
      );
      db.close();
    }
    const a = median(runs.a);
    const c = median(runs.c);
    rows.push(a, median(runs.b), c);

    if (process.env.DATABASE_URL) {
      const sql = postgres(process.env.DATABASE_URL, { max: 10, onnotice: () => {} });
      const schema = `bench_${process.pid}`;
      const pgStore = createPostgresOutbox(sql, { schema });
      await pgStore.ready;
      rows.push(
        await atLeastOnce('(d) at-least-once, PostgreSQL', receiver.url, pgStore, (msgs) =>
          sql.begin((tx) => pgStore.enqueueMany(tx, msgs)),
        ),
      );
      await sql.unsafe(`DROP SCHEMA "${schema}" CASCADE`);
      await sql.end();
    } else {
      rows.push({
        name: '(d) at-least-once, PostgreSQL',
        perSec: 0,
        p50: 0,
        p99: 0,
        note: 'skipped: DATABASE_URL not set',
      });
    }

    rows.push(await steady(receiver.url, dir));

    const fmt = (n: number, d = 0) =>
      n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
    const width = Math.max(...rows.map((r) => r.name.length));
    console.log(
      `\nDelivery engine on loopback — ${N.toLocaleString('en-US')} messages of 1 KB per run, receiver in a child process; (a)–(c) median of ${ROUNDS} interleaved runs; 1-min load average ${loadavg()[0]?.toFixed(1)}`,
    );
    console.log(
      `${'case'.padEnd(width)}  ${'deliveries/s'.padStart(12)}  ${'p50 ms'.padStart(7)}  ${'p99 ms'.padStart(7)}`,
    );
    for (const r of rows) {
      const nums = r.perSec
        ? `${fmt(r.perSec).padStart(12)}  ${fmt(r.p50, 2).padStart(7)}  ${fmt(r.p99, 2).padStart(7)}`
        : `${'—'.padStart(12)}  ${'—'.padStart(7)}  ${'—'.padStart(7)}`;
      console.log(`${r.name.padEnd(width)}  ${nums}${r.note ? `  (${r.note})` : ''}`);
    }
    console.log(`ratio c/a: ${fmt((c.perSec / a.perSec) * 100)} %`);
    console.log(
      `RSS added by ${PENDING.toLocaleString('en-US')} pending messages: ${fmt(mem.addedMb, 1)} MB (after 3 s of a dispatcher retrying them against a refused port: ${fmt(mem.whileRunningMb, 1)} MB)`,
    );
  } finally {
    receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
