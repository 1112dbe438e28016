// The same semantics on the real engines: Redis Streams (consumer groups, AOF on) and mosquitto (QoS 1,
// persistent sessions), including their restarts. Each suite starts its own server on a free port.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { CloudEvent } from './cloud-event.ts';
import { consumeQueue, createQueueTransport } from './queue.ts';
import { createRedisQueue } from './redis-queue.ts';
import { type ServiceProcess, serviceSuite, startMosquitto, startRedisServer } from './test-services.ts';
import { createTopicTransport, subscribeTopic } from './topic.ts';
import type { TransportRequest } from './types.ts';

const waitFor = <T>(fn: () => T | Promise<T>, timeout = 15_000) => vi.waitFor(fn, { timeout, interval: 20 });
const request = (url: string, eventId: string): TransportRequest => ({
  url,
  headers: { 'x-hooklab-event-id': eventId, 'x-hooklab-event-type': 'order.created' },
  body: JSON.stringify({ id: eventId }),
});

serviceSuite('queue: on Redis Streams', 'redis-server', () => {
  let redis: ServiceProcess;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(() => redis?.stop());

  it('competing consumers: each message handled by exactly one', { timeout: 30_000 }, async () => {
    const sender = createRedisQueue({ url: redis.url });
    const transport = createQueueTransport({ broker: sender });
    const brokers = [createRedisQueue({ url: redis.url }), createRedisQueue({ url: redis.url })];
    const seen = new Map<string, string[]>();
    const consumers = brokers.map((broker, i) =>
      consumeQueue('competing', (e) => void seen.set(e.id, [...(seen.get(e.id) ?? []), `c${i}`]), {
        broker,
        consumer: `c${i}`,
        concurrency: 4,
      }),
    );
    try {
      for (let i = 0; i < 200; i++)
        expect((await transport.send(request('queue:competing', `evt_${i}`))).ok).toBe(true);
      await waitFor(() => expect(seen.size).toBe(200));
      await waitFor(async () =>
        expect(await sender.depth('competing')).toEqual({ ready: 0, inFlight: 0, dead: 0 }),
      );
      expect([...seen.values()].every((by) => by.length === 1)).toBe(true);
      expect(new Set([...seen.values()].flat())).toEqual(new Set(['c0', 'c1']));
    } finally {
      await Promise.all(consumers.map((c) => c.close()));
      for (const b of [...brokers, sender]) await b.close();
    }
  });

  it('consumer crashes before ack: XAUTOCLAIM redelivers it; the late ack does not count', async () => {
    const broker = createRedisQueue({ url: redis.url });
    await createQueueTransport({ broker }).send(request('queue:crash', 'evt_crash'));
    const taken = await broker.receive('crash', {
      consumer: 'gone',
      max: 1,
      visibilityMs: 200,
      maxDeliveries: 5,
      waitMs: 100,
    });
    expect(taken.map((d) => d.event.id)).toEqual(['evt_crash']);
    const got: { id: string; deliveries: number }[] = [];
    const other = createRedisQueue({ url: redis.url });
    const consumer = consumeQueue('crash', (e, i) => void got.push({ id: e.id, deliveries: i.deliveries }), {
      broker: other,
      consumer: 'survivor',
      visibilityMs: 200,
    });
    try {
      await waitFor(() => expect(got).toEqual([{ id: 'evt_crash', deliveries: 2 }]));
      await waitFor(async () => expect((await other.depth('crash')).inFlight).toBe(0));
      expect(await broker.ack('crash', taken[0]!)).toBe(false);
    } finally {
      await consumer.close();
      await other.close();
      await broker.close();
    }
  });

  it('dead-letters after maxDeliveries', async () => {
    const broker = createRedisQueue({ url: redis.url });
    await createQueueTransport({ broker }).send(request('queue:poison', 'evt_poison'));
    let tries = 0;
    const consumer = consumeQueue(
      'poison',
      () => {
        tries++;
        throw new Error('no');
      },
      { broker, visibilityMs: 50, maxDeliveries: 3, onError: () => {} },
    );
    try {
      await waitFor(async () =>
        expect((await broker.deadLetters('poison')).map((e) => e.id)).toEqual(['evt_poison']),
      );
      expect(tries).toBe(3);
    } finally {
      await consumer.close();
      await broker.close();
    }
  });

  it('broker restart (AOF on): nothing acknowledged to the sender is lost', { timeout: 30_000 }, async () => {
    const sender = createRedisQueue({ url: redis.url });
    const transport = createQueueTransport({ broker: sender, timeoutMs: 1000 });
    for (let i = 0; i < 100; i++)
      expect((await transport.send(request('queue:restart', `evt_r_${i}`))).ok).toBe(true);
    await redis.halt();
    // While it is down the sender fails (the outbox would retry), it does not pretend.
    expect((await transport.send(request('queue:restart', 'evt_down'))).ok).toBe(false);
    await redis.start();
    const ids = new Set<string>();
    const consumer = consumeQueue('restart', (e) => void ids.add(e.id), {
      broker: createRedisQueue({ url: redis.url }),
    });
    try {
      // evt_down may land too (a timed-out attempt can still arrive: at least once); the 100 must.
      await waitFor(() => expect([...ids].filter((id) => id.startsWith('evt_r_'))).toHaveLength(100));
    } finally {
      await consumer.close();
      await sender.close();
    }
  });
});

serviceSuite('topic: on mosquitto', 'mosquitto', () => {
  let mosquitto: ServiceProcess;
  beforeAll(async () => {
    mosquitto = await startMosquitto();
  });
  afterAll(() => mosquitto?.stop());

  it('three subscribers each get every message', { timeout: 30_000 }, async () => {
    const transport = createTopicTransport({ url: mosquitto.url });
    const got = [new Set<string>(), new Set<string>(), new Set<string>()];
    const subs = await Promise.all(
      got.map((s) => subscribeTopic('fanout', (e: CloudEvent) => void s.add(e.id), { url: mosquitto.url })),
    );
    try {
      for (let i = 0; i < 50; i++)
        expect((await transport.send(request('topic:fanout', `evt_${i}`))).ok).toBe(true);
      await waitFor(() => expect(got.map((s) => s.size)).toEqual([50, 50, 50]));
    } finally {
      await Promise.all(subs.map((s) => s.close()));
      transport.close();
    }
  });

  it('loss policy: a persistent subscriber that is away gets what was published, across a broker restart', {
    timeout: 30_000,
  }, async () => {
    const ids = new Set<string>();
    const first = await subscribeTopic('restart', (e) => void ids.add(e.id), {
      url: mosquitto.url,
      clientId: 'warehouse-1',
    });
    await first.close(); // away, session kept (clean: false)
    const transport = createTopicTransport({ url: mosquitto.url, timeoutMs: 1000 });
    for (let i = 0; i < 20; i++)
      expect((await transport.send(request('topic:restart', `evt_${i}`))).ok).toBe(true);
    await mosquitto.restart(); // SIGTERM: mosquitto saves sessions and queued QoS 1 messages
    await waitFor(async () =>
      expect((await transport.send(request('topic:restart', 'evt_after'))).ok).toBe(true),
    );
    const back = await subscribeTopic('restart', (e) => void ids.add(e.id), {
      url: mosquitto.url,
      clientId: 'warehouse-1',
    });
    try {
      await waitFor(() => expect(ids.size).toBe(21));
    } finally {
      await back.close();
      transport.close();
    }
  });

  it('loss policy: a subscriber that never subscribed gets nothing published before it did (no retained messages)', async () => {
    const transport = createTopicTransport({ url: mosquitto.url });
    expect((await transport.send(request('topic:late', 'evt_before'))).ok).toBe(true);
    const ids: string[] = [];
    const sub = await subscribeTopic('late', (e) => void ids.push(e.id), { url: mosquitto.url });
    try {
      expect((await transport.send(request('topic:late', 'evt_after'))).ok).toBe(true);
      // The witness that must arrive is the later message; the earlier one is then known not to.
      await waitFor(() => expect(ids).toContain('evt_after'));
      expect(ids).toEqual(['evt_after']);
    } finally {
      await sub.close();
      transport.close();
    }
  });
});
