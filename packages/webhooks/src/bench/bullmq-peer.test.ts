// The peer must give what our engine gives, or the comparison means nothing: Standard Webhooks
// signatures a receiver library accepts, a retry on failure with the same message id, and a job that
// completes only on a 2xx.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { generateStandardSecret } from '../signing/index.ts';
import { type BullmqPeer, createBullmqPeer, type DeliveryJob } from './bullmq-peer.ts';
import { type RedisInstance, startRedis } from './redis.ts';
import { redisSuite } from './redis-test-env.ts';

interface Seen {
  id: string;
  attempt: string | undefined;
  verified: boolean;
  status: number;
}

const secret = generateStandardSecret();

async function startReceiver(answer: (id: string, nth: number) => number) {
  const seen: Seen[] = [];
  const verifier = new Webhook(secret);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      let verified = true;
      try {
        verifier.verify(Buffer.concat(chunks).toString(), req.headers as Record<string, string>);
      } catch {
        verified = false;
      }
      const status = answer(id, seen.filter((s) => s.id === id).length + 1);
      seen.push({ id, attempt: req.headers['x-hooklab-attempt'] as string | undefined, verified, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const job = (url: string, seq: number): DeliveryJob => ({
  seq,
  endpointId: `ep_${seq % 3}`,
  url,
  eventId: `evt_${seq}`,
  eventType: 'order.paid',
  body: JSON.stringify({ type: 'order.paid', data: { seq } }),
});

redisSuite('the BullMQ peer of the delivery bench', () => {
  let redis: RedisInstance;
  let queueNo = 0;
  const open: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    const started = await startRedis();
    if (!started.ok) throw new Error(started.reason);
    redis = started.redis;
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    for (const o of open.splice(0).reverse()) await o.close();
  });

  const peer = (options: Partial<Parameters<typeof createBullmqPeer>[0]> = {}): BullmqPeer => {
    const p = createBullmqPeer({
      connection: { host: redis.host, port: redis.port },
      queueName: `peer-test-${++queueNo}`,
      secretsOf: () => [secret],
      backoff: { type: 'fixed', delay: 20 },
      workers: 2,
      concurrency: 8,
      ...options,
    });
    open.push(p);
    return p;
  };

  it('signs every attempt so standardwebhooks verifies it, and retries a 503 with the same message id', async () => {
    const receiver = await startReceiver((_id, nth) => (nth === 1 ? 503 : 204));
    open.push(receiver);
    const delivered: string[] = [];
    const p = peer({ onDelivered: (j) => delivered.push(String(j.id)) });
    await p.start();
    await p.queue.addBulk(
      Array.from({ length: 20 }, (_, i) => ({ name: 'order.paid', data: job(receiver.url, i) })),
    );

    await vi.waitFor(() => expect(p.completed()).toBe(20), { timeout: 15_000, interval: 20 });
    expect(delivered).toHaveLength(20);
    const ids = [...new Set(receiver.seen.map((s) => s.id))];
    expect(ids).toHaveLength(20);
    for (const id of ids) {
      const attempts = receiver.seen.filter((s) => s.id === id);
      expect(attempts.map((a) => [a.attempt, a.verified, a.status])).toEqual([
        ['1', true, 503],
        ['2', true, 204],
      ]);
    }
  });

  it('never completes a job without a 2xx: attempts run out and the job is failed', async () => {
    const receiver = await startReceiver(() => 500);
    open.push(receiver);
    const failures: number[] = [];
    const p = peer({ attempts: 3, onAttemptFailed: (j) => failures.push(j.attemptsMade) });
    await p.start();
    const added = await p.queue.add('order.paid', job(receiver.url, 1));

    await vi.waitFor(async () => expect(await p.queue.getJobState(added.id!)).toBe('failed'), {
      timeout: 15_000,
      interval: 20,
    });
    expect(p.completed()).toBe(0);
    expect(receiver.seen.map((s) => [s.attempt, s.verified, s.status])).toEqual([
      ['1', true, 500],
      ['2', true, 500],
      ['3', true, 500],
    ]);
    expect(failures).toEqual([1, 2, 3]);
  });
});
