// The process-wide transport faults the console switches: "topic broker down" (publishes fail, the outbox
// retries, the retry after "back up" is delivered) and "queue consumer crashes before ack" (the message
// comes back after the visibility timeout and is handled once).
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createDispatcher } from '../outbox/dispatcher.ts';
import { createSqliteOutbox } from '../outbox/sqlite-store.ts';
import type { CloudEvent } from './cloud-event.ts';
import { INJECTED_BROKER_DOWN, setTransportFault, transportFault, transportFaultBoard } from './faults.ts';
import { consumeQueue, createQueueTransport } from './queue.ts';
import type { ArrivalExchange } from './record.ts';
import { createTransportRouter } from './router.ts';
import { createSqliteQueue } from './sqlite-queue.ts';
import { freePort, serviceSuite, startMosquitto } from './test-services.ts';
import { createTopicTransport, ensureEmbeddedBroker, stopEmbeddedBroker, subscribeTopic } from './topic.ts';

const waitFor = <T>(fn: () => T | Promise<T>, timeout = 20_000) => vi.waitFor(fn, { timeout, interval: 20 });
const dir = mkdtempSync(join(tmpdir(), 'hooklab-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await setTransportFault({ brokerDown: false, consumerCrashes: 0 });
  transportFaultBoard().witness = undefined;
});

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('topic broker down (injected)', () => {
  it('stops hosting, refuses to host again, and every publish fails until "back up"; the retry is delivered', async () => {
    const port = await freePort();
    await ensureEmbeddedBroker(port);
    const seen: CloudEvent[] = [];
    const sub = await subscribeTopic('fault/shipments', (e) => void seen.push(e), { embeddedPort: port });
    const db = new Database(':memory:');
    const store = createSqliteOutbox(db);
    const transport = createTransportRouter({ topicPort: port, source: '/logistics', timeoutMs: 2000 });
    const attempts: { ok: boolean; excerpt: string }[] = [];
    const dispatcher = createDispatcher({
      store,
      transport,
      timeoutMs: 2000,
      onAttempt: (e) => attempts.push({ ok: e.attempt.ok, excerpt: e.attempt.responseExcerpt }),
    });
    try {
      await setTransportFault({ brokerDown: true });
      expect(transportFault().brokerDown).toBe(true);
      // This process hosted the broker: it stops (nothing listens on its port), and will not host it again.
      await waitFor(async () => expect(await listening(port)).toBe(false));
      await expect(ensureEmbeddedBroker(port)).rejects.toThrow(INJECTED_BROKER_DOWN);
      await expect(subscribeTopic('fault/other', () => {}, { embeddedPort: port })).rejects.toThrow(
        INJECTED_BROKER_DOWN,
      );

      await dispatcher.start();
      const msg = db.transaction(() =>
        store.enqueue(db, {
          endpointId: 'ep_topic',
          url: 'topic:fault/shipments',
          eventType: 'shipment.fulfilled',
          eventId: 'evt_broker_down',
          body: '{"id":"shp_1"}',
          profile: 'standard',
          traceparent: TRACEPARENT,
        }),
      )();
      // Witness of the failure: the attempt log says what refused it.
      await waitFor(() => expect(attempts[0]).toEqual({ ok: false, excerpt: INJECTED_BROKER_DOWN }));
      expect(transportFault().refusedPublishes).toBeGreaterThan(0);
      expect((await store.getMessage(msg.id))?.status).not.toBe('delivered');

      await dispatcher.stop({ drainMs: 0 }); // held, so the publish right after "back up" below is first
      await setTransportFault({ brokerDown: false });
      // Back up means: hosted again and this process's subscriber back, so a publish right now reaches it.
      expect(await listening(port)).toBe(true);
      const now = await transport.send({
        url: 'topic:fault/shipments',
        headers: { 'x-hooklab-event-id': 'evt_right_after' },
        body: '{}',
      });
      expect(now.ok).toBe(true);
      await waitFor(() => expect(seen.map((e) => e.id)).toContain('evt_right_after'));
      // The outbox's retry is delivered.
      await dispatcher.start();
      await waitFor(async () => expect((await store.getMessage(msg.id))?.status).toBe('delivered'));
      const log = (await store.getMessage(msg.id))!.attemptLog;
      expect(log[0]).toMatchObject({ ok: false, failureKind: 'connection' });
      expect(log.at(-1)).toMatchObject({ ok: true, responseExcerpt: 'PUBACK' });
      await waitFor(() => expect(seen.map((e) => e.id)).toContain('evt_broker_down'));
    } finally {
      await dispatcher.stop({ drainMs: 0 });
      transport.close();
      await sub.close();
      await stopEmbeddedBroker(port);
    }
  });
});

describe('queue consumer crashes before ack (injected)', () => {
  it('the consumer dies holding the message; it is redelivered after the visibility timeout and handled once', async () => {
    const file = join(dir, 'crash.sqlite');
    const broker = createSqliteQueue({ file });
    const witnessed: ArrivalExchange[] = [];
    transportFaultBoard().witness = { record: (e) => witnessed.push(e) };
    const handled: { id: string; consumer: string; deliveries: number }[] = [];
    const consumers = ['warehouse-a', 'warehouse-b'].map((name) =>
      consumeQueue('picks', (e, info) => void handled.push({ id: e.id, ...info }), {
        broker: createSqliteQueue({ file }),
        consumer: name,
        visibilityMs: 400,
        restartMs: 100,
      }),
    );
    try {
      await setTransportFault({ consumerCrashes: 1 });
      const sender = createQueueTransport({ broker, source: '/logistics' });
      const sent = await sender.send({
        url: 'queue:picks',
        headers: {
          'x-hooklab-event-id': 'evt_crash_switch',
          'x-hooklab-event-type': 'pick_list.created',
          traceparent: TRACEPARENT,
        },
        body: '{"order_id":"ord_1"}',
      });
      expect(sent.ok).toBe(true);
      // Witness: the redelivered message handled, the second time it was handed out.
      await waitFor(() =>
        expect(handled).toEqual([{ id: 'evt_crash_switch', consumer: expect.any(String), deliveries: 2 }]),
      );
      const fault = transportFault();
      expect(fault.consumerCrashes).toBe(0);
      expect(fault.crashes).toHaveLength(1);
      const [crash] = fault.crashes;
      expect(crash).toMatchObject({
        queue: 'picks',
        eventId: 'evt_crash_switch',
        eventType: 'pick_list.created',
        traceparent: TRACEPARENT,
        redelivered: { consumer: handled[0]!.consumer, deliveries: 2 },
      });
      // Both the crash and the redelivery are recorded in the message's trace (consumers without a recorder).
      expect(witnessed.map((w) => [w.to, w.status, w.traceId])).toEqual([
        [crash!.consumer, 500, '4bf92f3577b34da6a3ce929d0e0e4736'],
        [handled[0]!.consumer, 200, '4bf92f3577b34da6a3ce929d0e0e4736'],
      ]);
      expect(witnessed[0]!.error).toMatch(/crashed before its ack \(injected fault\)/);
      await waitFor(async () => {
        const depth = await broker.depth('picks');
        expect(depth.ready + depth.inFlight + depth.dead).toBe(0);
      });
      expect(handled).toHaveLength(1);
    } finally {
      await Promise.all(consumers.map((c) => c.close()));
      await broker.close();
    }
  });

  it('a lone consumer is restarted after the crash (as a supervisor would) and handles the message itself', async () => {
    const broker = createSqliteQueue({ file: join(dir, 'lone.sqlite') });
    const handled: { id: string; deliveries: number }[] = [];
    const errors: string[] = [];
    const consumer = consumeQueue(
      'lone',
      (e, info) => void handled.push({ id: e.id, deliveries: info.deliveries }),
      {
        broker,
        consumer: 'only-one',
        visibilityMs: 300,
        restartMs: 50,
        onError: (e) => errors.push(String((e as Error).message)),
      },
    );
    try {
      await setTransportFault({ consumerCrashes: 1 });
      await createQueueTransport({ broker }).send({
        url: 'queue:lone',
        headers: { 'x-hooklab-event-id': 'evt_lone', 'x-hooklab-event-type': 'pick_list.created' },
        body: '{}',
      });
      await waitFor(() => expect(handled).toEqual([{ id: 'evt_lone', deliveries: 2 }]));
      expect(errors).toEqual([expect.stringMatching(/^only-one crashed before its ack \(injected fault\)/)]);
    } finally {
      await consumer.close();
      await broker.close();
    }
  });
});

serviceSuite('topic broker down (injected) with MQTT_URL: mosquitto', 'mosquitto', () => {
  it('the connected publisher refuses every publish while down, and publishes again once back up', async () => {
    const mosquitto = await startMosquitto();
    const seen: string[] = [];
    const sub = await subscribeTopic('fault/real', (e) => void seen.push(e.id), { url: mosquitto.url });
    const transport = createTopicTransport({ url: mosquitto.url, timeoutMs: 2000 });
    const send = (id: string) =>
      transport.send({ url: 'topic:fault/real', headers: { 'x-hooklab-event-id': id }, body: '{}' });
    try {
      expect((await send('evt_before')).ok).toBe(true);
      await waitFor(() => expect(seen).toEqual(['evt_before']));
      await setTransportFault({ brokerDown: true });
      // mosquitto is yours and keeps running: the fault is at this process's clients.
      expect(await send('evt_refused')).toMatchObject({
        ok: false,
        failureKind: 'connection',
        excerpt: INJECTED_BROKER_DOWN,
      });
      await setTransportFault({ brokerDown: false });
      expect((await send('evt_after')).ok).toBe(true);
      await waitFor(() => expect(seen).toEqual(['evt_before', 'evt_after']));
    } finally {
      transport.close();
      await sub.close();
      await mosquitto.stop();
    }
  });
});
