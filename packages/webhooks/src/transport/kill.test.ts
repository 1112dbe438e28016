// Faults: SIGKILL the sending dispatcher mid-burst with each non-HTTP transport, start it again, and
// check that every message arrived (at least once: a message may arrive twice, never not at all).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSqliteOutbox } from '../outbox/sqlite-store.ts';
import { consumeQueue, createQueueBroker } from './queue.ts';
import {
  freePort,
  type ServiceProcess,
  serviceSuite,
  startMosquitto,
  startRedisServer,
} from './test-services.ts';
import { ensureEmbeddedBroker, stopEmbeddedBroker, subscribeTopic } from './topic.ts';

const ROOT = resolve(import.meta.dirname, '../../../..');
const CHILD = resolve(import.meta.dirname, 'kill-child.ts');
const dir = mkdtempSync(join(tmpdir(), 'hooklab-transport-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ENGINE_VARS = ['SMTP_URL', 'QUEUE_DB', 'REDIS_URL', 'MQTT_URL', 'TOPIC_BROKER_PORT'];
const withoutEngines = (env: NodeJS.ProcessEnv) =>
  Object.fromEntries(Object.entries(env).filter(([k]) => !ENGINE_VARS.includes(k)));

function spawnChild(outbox: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, outbox], {
    cwd: ROOT,
    // Only the engine this case names: CI exports REDIS_URL and MQTT_URL for S08.
    env: { ...withoutEngines(process.env), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((ready, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) ready(child);
    });
    child.once('exit', (code) => reject(new Error(`dispatcher child exited early (${code})`)));
  });
}

const kill = async (child: ChildProcess) => {
  child.kill('SIGKILL');
  if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
};

/** Seeds `burst` messages to `url`, kills the sender once `arrived()` passes a quarter, restarts it, waits for all. */
async function killMidBurst(opts: {
  name: string;
  url: string;
  burst: number;
  env: Record<string, string>;
  arrived: () => Set<string>;
}) {
  const file = join(dir, `${opts.name}.sqlite`);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  const store = createSqliteOutbox(db);
  db.transaction(() =>
    store.enqueueMany(
      db,
      Array.from({ length: opts.burst }, (_, i) => ({
        endpointId: `ep_${i % 4}`,
        url: opts.url,
        eventType: 'order.created',
        eventId: `evt_${opts.name}_${i}`,
        body: JSON.stringify({ i }),
      })),
    ),
  )();
  const first = await spawnChild(file, opts.env);
  try {
    await vi.waitFor(() => expect(opts.arrived().size).toBeGreaterThan(opts.burst / 4), {
      timeout: 30_000,
      interval: 5,
    });
  } finally {
    await kill(first);
  }
  expect(opts.arrived().size).toBeLessThan(opts.burst); // really mid-burst
  const second = await spawnChild(file, opts.env);
  try {
    await vi.waitFor(async () => expect((await store.stats()).delivered).toBe(opts.burst), {
      timeout: 60_000,
      interval: 100,
    });
    await vi.waitFor(() => expect(opts.arrived().size).toBe(opts.burst), { timeout: 30_000, interval: 20 });
  } finally {
    await kill(second);
    db.close();
  }
}

describe('kill -9 of the sender mid-burst, embedded engines', () => {
  it('mailto: every e-mail arrives', { timeout: 120_000 }, async () => {
    const ids = new Set<string>();
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _s, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const id = /^x-hooklab-event-id: (\S+)/im.exec(Buffer.concat(chunks).toString())?.[1];
          if (id) ids.add(id);
          callback();
        });
      },
    });
    smtp.on('error', () => {}); // the killed sender's connections reset: expected here
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    const port = (smtp.server.address() as AddressInfo).port;
    try {
      await killMidBurst({
        name: 'mail',
        url: 'mailto:ops@atelier.test',
        burst: 400,
        env: { SMTP_URL: `smtp://127.0.0.1:${port}` },
        arrived: () => ids,
      });
    } finally {
      await new Promise<void>((r) => smtp.close(() => r()));
    }
  });

  it('queue: (SQLite) every message is consumed', { timeout: 120_000 }, async () => {
    const queueDb = join(dir, 'queue-file.sqlite');
    const ids = new Set<string>();
    const broker = createQueueBroker({ file: queueDb });
    const consumer = consumeQueue('kill', (e) => void ids.add(e.id), { broker, concurrency: 16 });
    try {
      await killMidBurst({
        name: 'queue',
        url: 'queue:kill',
        burst: 2000,
        env: { QUEUE_DB: queueDb },
        arrived: () => ids,
      });
    } finally {
      await consumer.close();
      await broker.close();
    }
  });

  it('topic: (aedes hosted by this process) every message reaches the subscriber', {
    timeout: 120_000,
  }, async () => {
    const port = await freePort();
    await ensureEmbeddedBroker(port); // the sender connects to it: the broker outlives the killed sender
    const ids = new Set<string>();
    const sub = await subscribeTopic('kill', (e) => void ids.add(e.id), { embeddedPort: port });
    try {
      await killMidBurst({
        name: 'topic',
        url: 'topic:kill',
        burst: 2000,
        env: { TOPIC_BROKER_PORT: String(port) },
        arrived: () => ids,
      });
    } finally {
      await sub.close();
      await stopEmbeddedBroker(port);
    }
  });
});

serviceSuite('kill -9 of the sender mid-burst, Redis Streams', 'redis-server', () => {
  let redis: ServiceProcess;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(() => redis?.stop());

  it('queue: (Redis) every message is consumed', { timeout: 120_000 }, async () => {
    const ids = new Set<string>();
    const broker = createQueueBroker({ redisUrl: redis.url });
    const consumer = consumeQueue('kill', (e) => void ids.add(e.id), { broker, concurrency: 16 });
    try {
      await killMidBurst({
        name: 'redis',
        url: 'queue:kill',
        burst: 2000,
        env: { REDIS_URL: redis.url },
        arrived: () => ids,
      });
    } finally {
      await consumer.close();
      await broker.close();
    }
  });
});

serviceSuite('kill -9 of the sender mid-burst, mosquitto', 'mosquitto', () => {
  let mosquitto: ServiceProcess;
  beforeAll(async () => {
    mosquitto = await startMosquitto();
  });
  afterAll(() => mosquitto?.stop());

  it('topic: (MQTT) every message reaches the subscriber', { timeout: 120_000 }, async () => {
    const ids = new Set<string>();
    const sub = await subscribeTopic('kill', (e) => void ids.add(e.id), { url: mosquitto.url });
    try {
      await killMidBurst({
        name: 'mqtt',
        url: 'topic:kill',
        burst: 2000,
        env: { MQTT_URL: mosquitto.url },
        arrived: () => ids,
      });
    } finally {
      await sub.close();
    }
  });
});
