// The BullMQ cases of `pnpm bench delivery`, measured exactly as the engine's: the same producer loop,
// the same messages, latency from the acknowledged enqueue to the 2xx arriving at the sender.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { type BullmqPeerOptions, createBullmqPeer, type DeliveryJob } from './bullmq-peer.ts';
import { filesBytes, type RedisInstance, redisMemory } from './redis.ts';
import { sleep, waitUntil } from './wait.ts';

export const bullmqVersion: string = createRequire(import.meta.url)('bullmq/package.json').version;

export interface BullmqCaseOptions {
  redis: RedisInstance;
  url: string;
  /** The i-th message, the same fields the engine's bench enqueues. */
  job: (i: number) => DeliveryJob;
  secretsOf: BullmqPeerOptions['secretsOf'];
  workers: number;
  concurrency: number;
}

export interface Timed {
  latencies: number[];
  seconds: number;
}

const tick = () => new Promise<void>((r) => setImmediate(r));
let queueSeq = 0;

function peerFor(o: BullmqCaseOptions, deliveredAt: Float64Array, onDelivered: () => void) {
  return createBullmqPeer({
    connection: { host: o.redis.host, port: o.redis.port },
    queueName: `bench-${process.pid}-${++queueSeq}`,
    secretsOf: o.secretsOf,
    workers: o.workers,
    concurrency: o.concurrency,
    onDelivered: (job) => {
      deliveredAt[job.data.seq] = performance.now();
      onDelivered();
    },
  });
}

/** Latencies of the messages delivered, from the enqueue acknowledgement to the 2xx. */
function latenciesOf(committedAt: Float64Array, deliveredAt: Float64Array): number[] {
  const out: number[] = [];
  // A 2xx can, rarely, be read before the producer reads the enqueue reply: count it as 0 ms.
  for (let i = 0; i < committedAt.length; i++) out.push(Math.max(0, deliveredAt[i]! - committedAt[i]!));
  return out;
}

/**
 * Under saturation: the producer adds batches of 100 jobs (`addBulk`, one round trip) while keeping at
 * most 512 undelivered, the same loop as the engine's case (c).
 */
export async function bullmqBurst(o: BullmqCaseOptions, n: number): Promise<Timed> {
  const committedAt = new Float64Array(n);
  const deliveredAt = new Float64Array(n);
  let delivered = 0;
  const peer = peerFor(o, deliveredAt, () => delivered++);
  await peer.start();
  try {
    const started = performance.now();
    const deadline = started + 300_000;
    let produced = 0;
    while (produced < n) {
      if (performance.now() > deadline) throw new Error('bench: BullMQ burst did not finish in 300 s');
      if (produced - delivered < 512) {
        const count = Math.min(100, n - produced);
        const batch = Array.from({ length: count }, (_, k) => {
          const data = o.job(produced + k);
          return { name: data.eventType, data };
        });
        await peer.queue.addBulk(batch);
        committedAt.fill(performance.now(), produced, produced + count);
        produced += count;
      }
      await tick();
    }
    await waitUntil(() => delivered >= n, `BullMQ: ${n} deliveries`);
    const seconds = (performance.now() - started) / 1000;
    await waitUntil(() => peer.completed() >= n, `BullMQ: ${n} jobs completed`, { everyMs: 5 });
    return { latencies: latenciesOf(committedAt, deliveredAt), seconds };
  } finally {
    await peer.close();
  }
}

/** A steady offered rate: one `queue.add` per message, as a request handler would, `rate` per second. */
export async function bullmqSteady(o: BullmqCaseOptions, rate: number, seconds: number): Promise<Timed> {
  const total = rate * seconds;
  const committedAt = new Float64Array(total);
  const deliveredAt = new Float64Array(total);
  let delivered = 0;
  const peer = peerFor(o, deliveredAt, () => delivered++);
  await peer.start();
  try {
    const started = performance.now();
    let i = 0;
    while (i < total) {
      const due = Math.floor(((performance.now() - started) / 1000) * rate);
      while (i < Math.min(due, total)) {
        const data = o.job(i);
        await peer.queue.add(data.eventType, data);
        committedAt[i] = performance.now();
        i++;
      }
      await sleep(1);
    }
    await waitUntil(() => delivered >= total, `BullMQ: ${total} steady deliveries`, { everyMs: 5 });
    const elapsed = (performance.now() - started) / 1000;
    await waitUntil(() => peer.completed() >= total, `BullMQ: ${total} jobs completed`, { everyMs: 5 });
    return { latencies: latenciesOf(committedAt, deliveredAt), seconds: elapsed };
  } finally {
    await peer.close();
  }
}

export interface RedisPendingMemory {
  usedMemoryBytes: number;
  usedMemoryRssBytes: number;
  aofBytes: number;
}

/** What `pending` waiting jobs cost Redis: INFO memory before and after adding them (no worker), and the AOF. */
export async function bullmqPendingMemory(
  o: BullmqCaseOptions,
  pending: number,
): Promise<RedisPendingMemory> {
  const client = new Redis({ host: o.redis.host, port: o.redis.port, maxRetriesPerRequest: null });
  const peer = createBullmqPeer({
    connection: { host: o.redis.host, port: o.redis.port },
    queueName: `bench-pending-${process.pid}`,
    secretsOf: o.secretsOf,
  });
  const aof = () => filesBytes(join(o.redis.dir, 'appendonlydir'));
  try {
    await peer.queue.waitUntilReady();
    const before = await redisMemory(client);
    const aofBefore = aof();
    for (let done = 0; done < pending; done += 1000) {
      const count = Math.min(1000, pending - done);
      await peer.queue.addBulk(
        Array.from({ length: count }, (_, k) => {
          const data = o.job(done + k);
          return { name: data.eventType, data };
        }),
      );
    }
    const waiting = await peer.queue.getWaitingCount();
    if (waiting !== pending) throw new Error(`bench: ${waiting} jobs waiting, expected ${pending}`);
    // Redis write()s the AOF before it answers (everysec only delays the fsync), so the size is current.
    const after = await redisMemory(client);
    const result = {
      usedMemoryBytes: after.usedMemory - before.usedMemory,
      usedMemoryRssBytes: after.usedMemoryRss - before.usedMemoryRss,
      aofBytes: aof() - aofBefore,
    };
    await peer.queue.obliterate({ force: true });
    return result;
  } finally {
    await peer.close();
    client.disconnect();
  }
}

/** `INFO server`'s redis_version. */
export async function redisVersion(redis: RedisInstance): Promise<string> {
  const client = new Redis({ host: redis.host, port: redis.port });
  try {
    return /^redis_version:(\S+)/m.exec(await client.info('server'))?.[1] ?? '?';
  } finally {
    client.disconnect();
  }
}
