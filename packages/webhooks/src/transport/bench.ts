// `pnpm bench transports`: messages/s and p99 per transport through the same outbox and dispatcher, one run:
// HTTP beside mailto: (SMTP sink), queue: (SQLite file; Redis Streams) and topic: (aedes; mosquitto).
// Latency: from the enqueue transaction's commit to the arrival at the receiving end (all in this process,
// so one clock): under a burst it is mostly time spent queued. Real engines: REDIS_URL / MQTT_URL when set,
// else a redis-server / mosquitto started here when installed, else the row says why it is missing.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { type AddressInfo, createConnection } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from '@hooklab/service/ports';
import Database from 'better-sqlite3';
import { SMTPServer } from 'smtp-server';
import { startRedis } from '../bench/redis.ts';
import { createDispatcher } from '../outbox/dispatcher.ts';
import { createSqliteOutbox } from '../outbox/sqlite-store.ts';
import type { NewMessage } from '../outbox/types.ts';
import { consumeQueue, createQueueBroker } from './queue.ts';
import { createTransportRouter, type TransportSettings } from './router.ts';
import { ensureEmbeddedBroker, stopEmbeddedBroker, subscribeTopic } from './topic.ts';

const N = Number(process.env.BENCH_TRANSPORT_MESSAGES ?? 5000);
const N_MAIL = Number(process.env.BENCH_TRANSPORT_MAILS ?? Math.min(N, 1000));
const BODY = JSON.stringify({ type: 'order.created', data: { pad: 'x'.repeat(900) } });
const dir = mkdtempSync(join(tmpdir(), 'hooklab-transport-bench-'));

interface Row {
  name: string;
  messages: number;
  perSec: number | null;
  p50: number | null;
  p99: number | null;
  note?: string;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

/** One burst through an outbox + dispatcher to `url`; `arrived(id)` must be called by the receiving end. */
async function burst(
  name: string,
  url: string,
  count: number,
  settings: TransportSettings,
  receiver: (arrived: (eventId: string) => void) => Promise<() => Promise<void>>,
): Promise<Row> {
  const db = new Database(join(dir, `${name.replace(/\W+/g, '-')}.sqlite`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const store = createSqliteOutbox(db);
  const transport = createTransportRouter({ ...settings, source: '/bench' });
  const dispatcher = createDispatcher({ store, transport });
  const enqueuedAt = new Map<string, number>();
  const latencies: number[] = [];
  let done: () => void = () => {};
  const all = new Promise<void>((r) => {
    done = r;
  });
  const stop = await receiver((id) => {
    const at = enqueuedAt.get(id);
    if (at === undefined) return;
    enqueuedAt.delete(id);
    latencies.push(performance.now() - at);
    if (latencies.length === count) done();
  });
  await dispatcher.start();
  const started = performance.now();
  for (let i = 0; i < count; i += 100) {
    const batch: NewMessage[] = [];
    for (let j = i; j < Math.min(count, i + 100); j++) {
      batch.push({
        endpointId: `ep_${j % 8}`,
        url,
        eventType: 'order.created',
        eventId: `evt_${j}`,
        body: BODY,
      });
    }
    db.transaction(() => store.enqueueMany(db, batch))();
    const now = performance.now();
    for (const m of batch) enqueuedAt.set(m.eventId, now);
  }
  const timeout = setTimeout(() => done(), 120_000);
  await all;
  clearTimeout(timeout);
  const seconds = (performance.now() - started) / 1000;
  await dispatcher.stop({ drainMs: 1000 });
  transport.close();
  await stop();
  db.close();
  const sorted = latencies.sort((a, b) => a - b);
  const complete = latencies.length === count;
  return {
    name,
    messages: latencies.length,
    perSec: latencies.length / seconds,
    p50: pct(sorted, 0.5),
    p99: pct(sorted, 0.99),
    note: complete ? undefined : `only ${latencies.length}/${count} arrived within 120 s`,
  };
}

const httpReceiver = async (arrived: (id: string) => void) => {
  const server = http.createServer((req, res) => {
    const id = req.headers['x-hooklab-event-id'];
    req.resume();
    req.on('end', () => {
      if (typeof id === 'string') arrived(id);
      res.writeHead(200).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
};

const smtpReceiver = async (arrived: (id: string) => void) => {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _s, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const id = /^x-hooklab-event-id: (\S+)/im.exec(Buffer.concat(chunks).toString())?.[1];
        if (id) arrived(id);
        callback();
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    smtpUrl: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
};

const waitPort = async (port: number, child: ChildProcess) => {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) return false;
    const open = await new Promise<boolean>((resolve) => {
      const s = createConnection({ port, host: '127.0.0.1' });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (open) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
};

async function mosquittoUrl(): Promise<{ url: string; stop(): void } | { reason: string }> {
  if (process.env.MQTT_URL) return { url: process.env.MQTT_URL, stop() {} };
  if (spawnSync('mosquitto', ['-h'], { stdio: 'ignore' }).error) return { reason: 'mosquitto not installed' };
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    `listener ${port} 127.0.0.1\nallow_anonymous true\nuser ${userInfo().username}\nlog_dest none\n`,
  );
  const child = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  if (!(await waitPort(port, child))) return { reason: 'mosquitto did not start' };
  return { url: `mqtt://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

async function main() {
  const rows: Row[] = [];
  const missing = (name: string, reason: string): Row => ({
    name,
    messages: 0,
    perSec: null,
    p50: null,
    p99: null,
    note: reason,
  });

  // HTTP, the reference (after a warm-up burst, so JIT and the first connections are not in its row).
  {
    const arrivedRef: { fn: (id: string) => void } = { fn: () => {} };
    const receiver = await httpReceiver((id) => arrivedRef.fn(id));
    await burst('warm-up', receiver.url, Math.min(N, 1000), {}, async (arrived) => {
      arrivedRef.fn = arrived;
      return async () => {};
    });
    rows.push(
      await burst('http (node:http receiver)', receiver.url, N, {}, async (arrived) => {
        arrivedRef.fn = arrived;
        return receiver.stop;
      }),
    );
  }

  // mailto: to an smtp-server sink.
  {
    const arrivedRef: { fn: (id: string) => void } = { fn: () => {} };
    const smtp = await smtpReceiver((id) => arrivedRef.fn(id));
    rows.push(
      await burst(
        'mailto: (smtp-server sink)',
        'mailto:ops@atelier.test',
        N_MAIL,
        { smtpUrl: smtp.smtpUrl },
        async (arrived) => {
          arrivedRef.fn = arrived;
          return smtp.stop;
        },
      ),
    );
  }

  // queue: embedded SQLite, then Redis Streams.
  const queueRow = async (name: string, settings: TransportSettings) =>
    burst(name, 'queue:bench', N, settings, async (arrived) => {
      const broker = createQueueBroker({ redisUrl: settings.redisUrl, file: settings.queueFile });
      const consumers = [0, 1].map((i) =>
        consumeQueue('bench', (e) => arrived(e.id), { broker, consumer: `c${i}`, concurrency: 32 }),
      );
      return async () => {
        await Promise.all(consumers.map((c) => c.close()));
        await broker.close();
      };
    });
  rows.push(
    await queueRow('queue: SQLite (embedded), 2 consumers', { queueFile: join(dir, 'queue.sqlite') }),
  );
  let redisUrl = process.env.REDIS_URL;
  let stopRedis: (() => Promise<void>) | undefined;
  if (!redisUrl) {
    const started = await startRedis();
    if (started.ok) {
      redisUrl = `redis://${started.redis.host}:${started.redis.port}`;
      stopRedis = started.redis.stop;
    } else rows.push(missing('queue: Redis Streams', started.reason));
  }
  if (redisUrl) rows.push(await queueRow('queue: Redis Streams, 2 consumers', { redisUrl }));
  await stopRedis?.();

  // topic: embedded aedes, then mosquitto; one subscriber (every subscriber gets every message).
  const topicRow = async (name: string, settings: TransportSettings) =>
    burst(name, 'topic:bench', N, settings, async (arrived) => {
      const sub = await subscribeTopic('bench', (e) => arrived(e.id), {
        url: settings.mqttUrl,
        embeddedPort: settings.topicPort,
      });
      return () => sub.close();
    });
  const topicPort = await freePort();
  await ensureEmbeddedBroker(topicPort);
  rows.push(await topicRow('topic: aedes (embedded), 1 subscriber', { topicPort }));
  await stopEmbeddedBroker(topicPort);
  const mq = await mosquittoUrl();
  if ('url' in mq) {
    rows.push(await topicRow('topic: mosquitto, 1 subscriber', { mqttUrl: mq.url }));
    mq.stop();
  } else rows.push(missing('topic: mosquitto', mq.reason));

  const f = (v: number | null, d = 1) => (v === null ? '—' : v.toFixed(d));
  console.log(
    `\nTransports through one SQLite outbox + dispatcher (defaults), a burst of ${N} (${N_MAIL} e-mails), 1 KB bodies, loopback:\n`,
  );
  console.log(
    `${'transport'.padEnd(42)} ${'msgs'.padStart(6)} ${'msg/s'.padStart(9)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)}  note`,
  );
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(42)} ${String(r.messages).padStart(6)} ${f(r.perSec, 0).padStart(9)} ${f(r.p50).padStart(9)} ${f(r.p99).padStart(9)}  ${r.note ?? ''}`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
}

await main();
process.exit(0);
