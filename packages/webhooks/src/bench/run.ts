// `pnpm bench`: the delivery engine on loopback. One run, one table: raw floor, at-most-once,
// at-least-once on SQLite (and PostgreSQL when DATABASE_URL is set), the same on BullMQ + Redis as a
// peer, steady-rate latency, memory per pending message, and the targets as ratios.
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
import {
  type BullmqCaseOptions,
  bullmqBurst,
  bullmqPendingMemory,
  bullmqSteady,
  bullmqVersion,
} from './bullmq-bench.ts';
import type { DeliveryJob } from './bullmq-peer.ts';
import { filesBytes, type RedisInstance, startRedis } from './redis.ts';
import { evaluateTargets, formatTargets } from './targets.ts';
import { sleep, waitUntil } from './wait.ts';

const N = Number(process.env.BENCH_MESSAGES ?? 20_000);
const STEADY_RATE = 500;
const STEADY_SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? 5);
const PENDING = 100_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ENDPOINTS = 8;
const CONCURRENCY = 64; // the dispatcher's default; BullMQ gets the same number of jobs in flight
const BULLMQ_WORKERS = Number(process.env.BENCH_BULLMQ_WORKERS ?? 1);
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

/** The same message as a BullMQ job; the secret stays with the endpoint (see `secretsOf`). */
const job = (url: string, i: number): DeliveryJob => ({
  seq: i,
  endpointId: `ep_${i % ENDPOINTS}`,
  url,
  eventId: `evt_${i}`,
  eventType: 'order.paid',
  body: BODY,
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
    if (performance.now() - started > 300_000) throw new Error(`bench: ${name} did not finish in 300 s`);
    if (produced - latencies.length < 512) {
      const batch = Array.from({ length: Math.min(100, N - produced) }, (_, k) => message(url, produced + k));
      const rows = await enqueueBatch(batch);
      const t0 = performance.now();
      for (const row of rows) committedAt.set(row.id, t0);
      produced += batch.length;
    }
    await tick();
  }
  await waitUntil(() => latencies.length >= N, `${name}: ${N} deliveries`);
  const seconds = (performance.now() - started) / 1000;
  await dispatcher.stop({ drainMs: 5000 });
  return summarize(name, latencies, seconds);
}

/** p99 at a steady offered rate: one message per transaction, 500 per second. */
async function steady(
  url: string,
  dir: string,
  round: number,
): Promise<{ latencies: number[]; seconds: number }> {
  const db = openSqlite(join(dir, `steady-${round}.db`));
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
  await waitUntil(() => latencies.length >= total, `steady: ${total} deliveries`, { everyMs: 5 });
  const seconds = (performance.now() - started) / 1000;
  await dispatcher.stop();
  db.close();
  return { latencies, seconds };
}

async function pendingMemory(
  dir: string,
): Promise<{ addedMb: number; whileRunningMb: number; dbBytes: number; walBytes: number }> {
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
  const dbBytes = filesBytes(dir, (name) => name === 'pending.db');
  const walBytes = filesBytes(dir, (name) => name === 'pending.db-wal');
  // Then let a dispatcher chew on them against a receiver that refuses connections.
  const dispatcher = createDispatcher({ store });
  await dispatcher.start();
  await sleep(3000);
  await dispatcher.stop({ drainMs: 2000 });
  const running = rss() - before;
  db.close();
  return { addedMb: added, whileRunningMb: running, dbBytes, walBytes };
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
  // Ctrl-C: leave nothing behind (Redis stops by itself when this process goes: see redis.ts).
  const onSignal = () => {
    receiver.stop();
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const redisStart = await startRedis({ binary: process.env.BENCH_REDIS_SERVER });
  const redis: RedisInstance | null = redisStart.ok ? redisStart.redis : null;
  const skipped = redisStart.ok ? undefined : `skipped: ${redisStart.reason}`;
  const loadAtStart = loadavg()[0] ?? 0;
  const rows: Row[] = [];
  try {
    const bullmq: BullmqCaseOptions | null = redis && {
      redis,
      url: receiver.url,
      job: (i) => job(receiver.url, i),
      secretsOf: () => [SECRET],
      workers: BULLMQ_WORKERS,
      concurrency: CONCURRENCY,
    };
    const mem = await pendingMemory(dir);
    const redisMem = bullmq ? await bullmqPendingMemory(bullmq, PENDING) : null;
    await rawFloor(receiver.url); // warm-up: JIT and sockets
    const bullmqName = `(e) at-least-once, BullMQ ${bullmqVersion} + Redis (AOF everysec)`;
    const runs: Record<'a' | 'b' | 'c' | 'e', Row[]> = { a: [], b: [], c: [], e: [] };
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
      if (bullmq) {
        const { latencies, seconds } = await bullmqBurst(bullmq, N);
        runs.e.push(summarize(bullmqName, latencies, seconds));
      }
    }
    const a = median(runs.a);
    const c = median(runs.c);
    const e = bullmq ? median(runs.e) : null;
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
    rows.push(e ?? { name: bullmqName, perSec: 0, p50: 0, p99: 0, note: skipped });

    // Steady rate, interleaved too; the samples of every round are pooled for the percentiles.
    const steadyOurs = { latencies: [] as number[], seconds: 0 };
    const steadyPeer = { latencies: [] as number[], seconds: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const ours = await steady(receiver.url, dir, round);
      for (const ms of ours.latencies) steadyOurs.latencies.push(ms);
      steadyOurs.seconds += ours.seconds;
      if (bullmq) {
        const theirs = await bullmqSteady(bullmq, STEADY_RATE, STEADY_SECONDS);
        for (const ms of theirs.latencies) steadyPeer.latencies.push(ms);
        steadyPeer.seconds += theirs.seconds;
      }
    }
    const cSteady = summarize(
      `(c) at-least-once SQLite, steady ${STEADY_RATE}/s`,
      steadyOurs.latencies,
      steadyOurs.seconds,
      'offered rate',
    );
    const eSteadyName = `(e) BullMQ + Redis, steady ${STEADY_RATE}/s`;
    const eSteady = bullmq
      ? summarize(eSteadyName, steadyPeer.latencies, steadyPeer.seconds, 'offered rate')
      : null;
    rows.push(cSteady, eSteady ?? { name: eSteadyName, perSec: 0, p50: 0, p99: 0, note: skipped });

    const fmt = (n: number, d = 0) =>
      n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
    const width = Math.max(...rows.map((r) => r.name.length));
    console.log(
      `\nDelivery engine on loopback — ${N.toLocaleString('en-US')} messages of 1 KB per run, receiver in a child process; (a)–(c), (e) median of ${ROUNDS} interleaved runs, steady rows ${ROUNDS} × ${STEADY_SECONDS} s pooled; BullMQ: ${BULLMQ_WORKERS} worker(s), ${CONCURRENCY} jobs in flight; 1-min load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]?.toFixed(1)} at the end`,
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
    console.log(
      `ratio c/a: ${fmt((c.perSec / a.perSec) * 100)} %${e ? `, e/a: ${fmt((e.perSec / a.perSec) * 100)} %` : ''}`,
    );
    console.log(
      `RSS added by ${PENDING.toLocaleString('en-US')} pending messages: ${fmt(mem.addedMb, 1)} MB (after 3 s of a dispatcher retrying them against a refused port: ${fmt(mem.whileRunningMb, 1)} MB)`,
    );
    const kb = (bytes: number) => fmt(bytes / 1024 / PENDING, 2);
    const mb = (bytes: number) => fmt(bytes / 1024 / 1024, 1);
    const oursBytes = mem.addedMb * 1024 * 1024;
    console.log(
      `memory per pending message — ours: ${kb(oursBytes)} KB of process RSS (the messages live on disk: SQLite file ${mb(mem.dbBytes)} MB + WAL ${mb(mem.walBytes)} MB not yet checkpointed)`,
    );
    console.log(
      redisMem
        ? `memory per pending message — Redis: ${kb(redisMem.usedMemoryRssBytes)} KB of used_memory_rss (${mb(redisMem.usedMemoryRssBytes)} MB), ${kb(redisMem.usedMemoryBytes)} KB of used_memory; AOF grew by ${mb(redisMem.aofBytes)} MB on disk (rewrites compact it)`
        : `memory per pending message — Redis: ${skipped}`,
    );
    console.log('');
    for (const line of formatTargets(
      evaluateTargets({
        oursPerSec: c.perSec,
        bullmqPerSec: e?.perSec ?? null,
        floorPerSec: a.perSec,
        oursSteadyP99Ms: cSteady.p99,
        bullmqSteadyP99Ms: eSteady?.p99 ?? null,
        oursBytesPerPending: oursBytes / PENDING,
        redisBytesPerPending: redisMem ? redisMem.usedMemoryRssBytes / PENDING : null,
      }),
      skipped,
    ))
      console.log(line);
  } finally {
    await redis?.stop();
    receiver.stop();
    rmSync(dir, { recursive: true, force: true });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

await main();
