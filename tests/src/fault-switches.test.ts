// The console's transport switches end to end: the console's control route → every app (here one process,
// so one board) → logistics sends shipment events to a topic: / queue: callback → the fault acts → switched
// off → delivered. "Topic broker down": attempts fail with the injected error and are retried, the retry
// after "back up" reaches the subscriber. "Queue consumer crashes before ack": a consumer dies holding a
// message, the queue redelivers it, each message is handled once, and the console's trace shows both.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@hooklab/scenarios';
import { type ServiceName, urlVarOf } from '@hooklab/service';
import {
  type CloudEvent,
  consumeQueue,
  createQueueBroker,
  INJECTED_BROKER_DOWN,
  type QueueConsumer,
  subscribeTopic,
  type TopicSubscription,
} from '@hooklab/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, STACK_APPS, type Stack, startStack } from './stack.ts';

const dir = mkdtempSync(join(tmpdir(), 'hooklab-fault-switches-'));
const queueDb = join(dir, 'queues.sqlite');
let stack: Stack;
let topicPort = 0;

interface Attempt {
  url: string;
  attempt?: number;
  outcome?: string;
  responseBody?: string;
  requestHeaders: Record<string, string>;
}

interface TransportState {
  broker_down: boolean;
  consumer_crashes_pending: number;
  refused_publishes: number;
  crashes: {
    consumer: string;
    event_id: string;
    trace_id?: string;
    redelivered: { consumer: string; deliveries: number } | null;
  }[];
  unreachable: { name: string }[];
}

const STARTED: ServiceName[] = ['logistics', 'console'];

beforeAll(async () => {
  topicPort = await freePort();
  // The apps not started here answer nowhere (a free port), not on a default port someone's `pnpm dev` may hold.
  const elsewhere: Record<string, string> = {};
  for (const name of STACK_APPS.filter((n) => !STARTED.includes(n)))
    elsewhere[urlVarOf(name)] = `http://127.0.0.1:${await freePort()}`;
  stack = await startStack(STARTED, {
    env: { LOGISTICS_STAGE_MS: '20', QUEUE_DB: queueDb, TOPIC_BROKER_PORT: String(topicPort), ...elsewhere },
  });
});
afterAll(async () => {
  await switchTransport({ broker_down: false, consumer_crashes: 0 }).catch(() => {});
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function switchTransport(body: { broker_down?: boolean; consumer_crashes?: number }) {
  const res = await fetch(`${stack.urls.console}/api/control/transport`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as TransportState;
}

async function transportState() {
  return (await (await fetch(`${stack.urls.console}/api/control/transport`)).json()) as TransportState;
}

async function ship(callbackUrl: string) {
  const res = await fetch(`${stack.urls.logistics}/v1/shipments`, {
    method: 'POST',
    headers: { authorization: 'Bearer lg_test_hooklab', 'content-type': 'application/json' },
    body: JSON.stringify({
      order_id: `fs_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`,
      items: [{ sku: 'DR-001', name: 'Linen wrap dress', quantity: 1 }],
      ship_to: {
        name: 'Ada Lovelace',
        line1: '12 rue de Rivoli',
        city: 'Paris',
        postal_code: '75001',
        country: 'FR',
      },
      callback_url: callbackUrl,
    }),
  });
  expect(res.status).toBe(202);
}

async function attemptsTo(url: string): Promise<Attempt[]> {
  const res = await fetch(`${stack.urls.logistics}/_hooklab/exchanges?limit=1000`);
  const { data } = (await res.json()) as { data: Attempt[] };
  return data.filter((e) => e.url === url && e.attempt !== undefined);
}

describe('console switch "Topic broker down"', () => {
  let sub: TopicSubscription | undefined;
  afterAll(() => sub?.close());

  it('logistics’ topic: attempts fail with the injected error while down; after "back up" the retry is delivered', {
    timeout: 60_000,
  }, async () => {
    const topic = `fault/shipments/${Date.now().toString(36)}`;
    const seen = new Map<string, CloudEvent>();
    // The subscriber is the first to need a broker: this process hosts it (as the console does in `pnpm dev`).
    sub = await subscribeTopic(topic, (e) => void seen.set(e.id, e), { embeddedPort: topicPort });

    const down = await switchTransport({ broker_down: true });
    expect(down.broker_down).toBe(true);
    expect(down.unreachable.map((u) => u.name).sort()).toEqual(
      STACK_APPS.filter((n) => !STARTED.includes(n)).sort(),
    );
    await ship(`topic:${topic}`);
    const refused = await waitFor(
      async () => (await attemptsTo(`topic:${topic}`)).find((a) => a.outcome !== 'delivered'),
      { timeoutMs: 20_000, what: `a failed attempt to topic:${topic}` },
    );
    expect(refused.responseBody).toBe(INJECTED_BROKER_DOWN);
    expect((await transportState()).refused_publishes).toBeGreaterThan(0);

    const up = await switchTransport({ broker_down: false });
    expect(up.broker_down).toBe(false);
    // Witness: every message logistics tried has a delivered attempt, and the last event is at the subscriber.
    const delivered = await waitFor(
      async () => {
        const attempts = await attemptsTo(`topic:${topic}`);
        const ok = attempts.filter((a) => a.outcome === 'delivered');
        const done = new Set(ok.map((a) => a.requestHeaders['x-hooklab-message-id']));
        const open = attempts.filter((a) => !done.has(a.requestHeaders['x-hooklab-message-id']));
        return ok.some((a) => a.requestHeaders['x-hooklab-event-type'] === 'shipment.delivered') &&
          open.length === 0
          ? ok
          : false;
      },
      {
        timeoutMs: 45_000,
        what: 'a delivered attempt for every topic message (the retries after "back up")',
      },
    );
    expect(delivered.some((a) => (a.attempt ?? 1) > 1)).toBe(true);
    await waitFor(() => [...seen.values()].some((e) => e.type === 'shipment.delivered'), {
      timeoutMs: 20_000,
      what: 'shipment.delivered at the subscriber',
    });
  });
});

describe('console switch "Queue consumer crashes before ack"', () => {
  const consumers: QueueConsumer[] = [];
  const broker = createQueueBroker({ file: queueDb });
  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.close()));
    await broker.close();
  });

  it('a consumer dies holding a message; the queue redelivers it; each handled once; the console’s trace shows it', {
    timeout: 60_000,
  }, async () => {
    const queue = `fault-picks-${Date.now().toString(36)}`;
    const handled: { id: string; type: string; consumer: string; deliveries: number }[] = [];
    for (const name of ['warehouse-a', 'warehouse-b'])
      consumers.push(
        consumeQueue(queue, (e, info) => void handled.push({ id: e.id, type: e.type, ...info }), {
          broker,
          consumer: name,
          visibilityMs: 1000,
          restartMs: 200,
        }),
      );

    const armed = await switchTransport({ consumer_crashes: 1 });
    expect(armed.consumer_crashes_pending).toBe(1);
    await ship(`queue:${queue}`);

    // Witness: the console says which consumer crashed holding which message, and who handled it after.
    const state = await waitFor(
      async () => {
        const s = await transportState();
        return s.crashes.some((c) => c.redelivered) && s;
      },
      { timeoutMs: 30_000, what: 'a crashed consumer’s message redelivered and handled' },
    );
    const crash = state.crashes.find((c) => c.redelivered)!;
    expect(state.consumer_crashes_pending).toBe(0);
    expect(crash.redelivered!.deliveries).toBeGreaterThanOrEqual(2);
    await waitFor(() => handled.some((h) => h.type === 'shipment.delivered'), {
      timeoutMs: 20_000,
      what: 'shipment.delivered consumed',
    });
    const ids = handled.map((h) => h.id);
    expect(new Set(ids).size).toBe(ids.length); // each handled once
    expect(handled.find((h) => h.id === crash.event_id)).toMatchObject({
      consumer: crash.redelivered!.consumer,
      deliveries: crash.redelivered!.deliveries,
    });

    // The console draws the crash and the redelivery in the message's trace.
    const trace = (await (await fetch(`${stack.urls.console}/api/traces/${crash.trace_id}`)).json()) as {
      data: { kind: string; failed: boolean; error?: string }[];
    };
    const queueHops = trace.data.filter((h) => h.kind === 'queue');
    expect(
      queueHops.some((h) => h.failed && /crashed before its ack \(injected fault\)/.test(h.error ?? '')),
    ).toBe(true);
    expect(queueHops.some((h) => !h.failed)).toBe(true);
  });
});
