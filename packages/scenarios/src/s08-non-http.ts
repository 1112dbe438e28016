import { createServer, type Server } from 'node:net';
import {
  type CloudEvent,
  consumeQueue,
  createQueueBroker,
  DEFAULT_TOPIC_PORT,
  ensureEmbeddedBroker,
  type QueueConsumer,
  stopEmbeddedBroker,
  subscribeTopic,
  type TopicSubscription,
} from '@hooklab/webhooks';
import { logisticsKeys, startCallbackReceiver } from './logistics-receiver.ts';
import { check, defineScenario, type ScenarioContext, waitFor } from './scenario.ts';

export interface S08Result {
  engines: { queue: 'sqlite' | 'redis'; topic: 'embedded' | 'mqtt' };
  http: { events: number; verified: boolean };
  email: { mails: number };
  queue: { messages: number; byConsumer: Record<string, number>; duplicates: number };
  topic: { messages: number; perSubscriber: number[] };
  refused: { target: string; status: number }[];
  /** What the fault params did (absent when off). */
  faults: {
    consumerCrash?: {
      crashed: string;
      eventId: string;
      eventType: string;
      redeliveredTo: string;
      deliveries: number;
    };
    brokerDown?: {
      downMs: number;
      failedAttempts: number;
      retriedDelivered: number;
      /** Topic events logistics delivered, each seen by all three subscribers. */
      messages: number;
    };
  };
}

interface AttemptRecord {
  url: string;
  attempt?: number;
  outcome?: string;
  error?: string;
  requestHeaders?: Record<string, string>;
}

const ADDRESS = 'ops@atelier.test';

function order(n: number, callbackUrl: string) {
  return {
    order_id: `s08_${Date.now().toString(36)}_${n}`,
    items: [{ sku: 'DR-001', name: 'Linen wrap dress', quantity: 1 }],
    ship_to: {
      name: 'Ada Lovelace',
      line1: '12 rue de Rivoli',
      city: 'Paris',
      postal_code: '75001',
      country: 'FR',
    },
    callback_url: callbackUrl,
  };
}

/**
 * Holds the embedded broker's port with a listener that closes every connection: the broker is down, and
 * no process can host it again meanwhile (the next publisher would, were the port free). Null when the
 * port is taken: another process hosts the broker, and only that one can stop it.
 */
function holdPort(port: number): Promise<Server | null> {
  const server = createServer((socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolve(null) : reject(error),
    );
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

async function logisticsAttempts(ctx: ScenarioContext, url: string): Promise<AttemptRecord[]> {
  const res = await ctx.fetch(`${ctx.urls.logistics}/_hooklab/exchanges?limit=1000`);
  check(res.ok, `logistics' exchange log answers (${res.status})`);
  const { data } = (await res.json()) as { data: AttemptRecord[] };
  return data.filter((e) => e.url === url && e.attempt !== undefined);
}

async function setLogisticsSender(ctx: ScenarioContext, paused: boolean) {
  const res = await ctx.fetch(`${ctx.urls.logistics}/_hooklab/control`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sender: { paused } }),
  });
  check(res.ok, `logistics' outbox ${paused ? 'paused' : 'resumed'} (${res.status})`);
  const { senders } = (await res.json()) as { senders: { stats: { in_flight?: number } }[] };
  return senders;
}

async function createShipment(ctx: ScenarioContext, key: string, body: unknown) {
  const res = await ctx.fetch(`${ctx.urls.logistics}/v1/shipments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as {
      id?: string;
      code?: string;
      detail?: string;
      message?: string;
      title?: string;
    },
  };
}

export const s08 = defineScenario<S08Result>({
  id: 'S08',
  title: 'Callbacks that are not HTTP',
  story:
    'A callback target can be an e-mail address (mailto:), an event queue (queue:NAME, competing consumers) ' +
    'or an event topic (topic:NAME, every subscriber gets every message). Logistics sends the same shipment ' +
    'events to an HTTP endpoint, a mailbox address, a queue read by two competing consumers and a topic ' +
    'with three subscribers, through the same outbox (retries, attempt log, replay). Queue and topic messages ' +
    'are CloudEvents 1.0 with a traceparent; a bad target is refused when it is registered.',
  actors: ['logistics', 'mailbox'],
  steps: [
    'Start an HTTP receiver, two competing queue consumers and three topic subscribers',
    'A bad target is refused at registration (400)',
    'POST /v1/shipments four ways: callback_url https://…, mailto:, queue:, topic:',
    'The HTTP endpoint gets every event, signed',
    'The mailbox gets one e-mail per event',
    'Two competing consumers: each queue message handled exactly once (one that crashes before its ack: redelivered to the other)',
    'Three subscribers: each gets every topic message (broker down: attempts fail, are retried, then arrive)',
  ],
  async run(ctx) {
    const keys = logisticsKeys(ctx);
    const perTarget = Number(ctx.params.shipments_per_target ?? 2);
    const timeoutMs = Number(ctx.params.timeout_ms ?? 30_000);
    const redisUrl = ctx.params.redis_url ? String(ctx.params.redis_url) : undefined;
    const mqttUrl = ctx.params.mqtt_url ? String(ctx.params.mqtt_url) : undefined;
    const queueFile = ctx.params.queue_db ? String(ctx.params.queue_db) : undefined;
    const topicPort = Number(ctx.params.topic_port ?? DEFAULT_TOPIC_PORT);
    const crash = [true, 'true', 'on', '1'].includes(ctx.params.consumer_crash_before_ack as never);
    const brokerDownMs = Number(ctx.params.broker_down_ms ?? 0);
    check(
      !(brokerDownMs > 0 && mqttUrl),
      'broker_down_ms takes down the embedded broker; with MQTT_URL the broker is yours to stop (the real-engine tests restart mosquitto)',
    );
    const tag = Date.now().toString(36);
    const queueName = `s08-pick-lists-${tag}`;
    const topicName = `s08/shipments/${tag}`;

    ctx.step(0);
    const receiver = await startCallbackReceiver({ secret: keys.callbackSecret });
    const broker = createQueueBroker({ redisUrl, file: queueFile });
    const byConsumer: Record<string, CloudEvent[]> = { 'warehouse-a': [], 'warehouse-b': [] };
    // Handled (acked) messages with their delivery count; a crash is the consumer stopping mid-message.
    const deliveriesOf = new Map<string, number>();
    let crashed: { consumer: string; event: CloudEvent } | null = null;
    const consumers = new Map<string, QueueConsumer>();
    for (const name of Object.keys(byConsumer)) {
      const consumer = consumeQueue(
        queueName,
        (e: CloudEvent, info) => {
          if (crash && !crashed) {
            crashed = { consumer: name, event: e };
            void consumer.close(); // takes nothing more; the message it holds stays unacked
            throw new Error(`${name} crashed before its ack`);
          }
          byConsumer[name]!.push(e);
          deliveriesOf.set(e.id, info.deliveries);
        },
        // Short when crashing, so the redelivery shows within the run.
        { broker, consumer: name, visibilityMs: crash ? 1500 : 5000 },
      );
      consumers.set(name, consumer);
    }
    const topicSeen: Map<string, CloudEvent>[] = [new Map(), new Map(), new Map()];
    const subscribe = () =>
      Promise.all(
        topicSeen.map((seen, i) =>
          subscribeTopic(topicName, (e) => void seen.set(e.id, e), {
            url: mqttUrl,
            embeddedPort: topicPort,
            name: `subscriber-${i + 1}`,
          }),
        ),
      );
    let subscribers: TopicSubscription[] = await subscribe();
    let held: Server | null = null;
    let senderPaused = false;
    let outage: Promise<{ downMs: number }> | null = null;
    ctx.say(
      `receiver ${receiver.url}; queue:${queueName} on ${broker.kind}; topic:${topicName} on ${mqttUrl ? 'MQTT' : 'the embedded broker'}`,
    );

    // Broker down: hold the port, witness a failed attempt, then (after brokerDownMs) hold logistics' outbox,
    // host the broker again, subscribe again (an embedded broker's sessions die with it), release the outbox.
    const takeBrokerDown = async () => {
      await Promise.all(subscribers.map((s) => s.close()));
      subscribers = [];
      await stopEmbeddedBroker(topicPort);
      held = await holdPort(topicPort);
      check(
        held,
        `the embedded broker on port ${topicPort} is hosted by another process (the first that needed it): only that one can take it down`,
      );
      const downAt = Date.now();
      ctx.say(`broker down: nothing answers MQTT on 127.0.0.1:${topicPort} for ${brokerDownMs} ms`);
      return async () => {
        const failed = await waitFor(
          async () => {
            const a = await logisticsAttempts(ctx, `topic:${topicName}`);
            return a.some((x) => x.outcome !== 'delivered') && a;
          },
          { timeoutMs, what: `a failed attempt to topic:${topicName} in logistics' attempt log` },
        );
        const first = failed.find((x) => x.outcome !== 'delivered')!;
        ctx.say(
          `attempt ${first.attempt} to topic:${topicName} failed (${first.error}); the outbox retries it`,
        );
        await new Promise((r) => setTimeout(r, Math.max(0, downAt + brokerDownMs - Date.now())));
        senderPaused = true;
        await setLogisticsSender(ctx, true);
        await waitFor(
          async () => (await setLogisticsSender(ctx, true)).every((s) => (s.stats.in_flight ?? 0) === 0),
          { timeoutMs, what: "logistics' attempts in flight to finish" },
        );
        await new Promise<void>((resolve) => held!.close(() => resolve()));
        held = null;
        await ensureEmbeddedBroker(topicPort);
        subscribers = await subscribe();
        await setLogisticsSender(ctx, false);
        senderPaused = false;
        const downMs = Date.now() - downAt;
        ctx.say(
          `broker back after ${downMs} ms; the subscribers subscribed again (logistics' outbox held meanwhile, so none misses a retry)`,
        );
        return { downMs };
      };
    };

    try {
      ctx.step(1);
      const refused: S08Result['refused'] = [];
      for (const target of ['sqs:orders', 'mailto:not-an-address', 'queue:two words', 'topic:shipments/#']) {
        const r = await createShipment(ctx, keys.key, order(0, target));
        check(r.status === 400, `callback_url ${target} is refused at registration`, r);
        refused.push({ target, status: r.status });
        ctx.say(
          `${target} → ${r.status} ${r.body.code}: ${r.body.detail ?? r.body.message ?? r.body.title ?? ''}`,
        );
      }

      ctx.step(2);
      const targets = {
        http: `${receiver.url}/s08`,
        email: `mailto:${ADDRESS}`,
        queue: `queue:${queueName}`,
        topic: `topic:${topicName}`,
      };
      const shipments: Record<keyof typeof targets, string[]> = { http: [], email: [], queue: [], topic: [] };
      let n = 0;
      for (const kind of Object.keys(targets) as (keyof typeof targets)[]) {
        if (kind === 'topic' && brokerDownMs > 0) {
          const restore = await takeBrokerDown();
          outage = Promise.resolve().then(restore); // runs beside steps 3–5, so the retries stay near
          outage.catch(() => {}); // awaited in step 6
        }
        for (let i = 0; i < perTarget; i++) {
          const r = await createShipment(ctx, keys.key, order(++n, targets[kind]));
          check(
            r.status === 202 && r.body.id,
            `a shipment with callback_url ${targets[kind]} is accepted`,
            r,
          );
          shipments[kind].push(r.body.id!);
        }
        ctx.say(`${perTarget} shipment(s) → ${targets[kind]}`);
      }

      const delivered = (events: { type: string }[]) =>
        events.filter((e) => e.type === 'shipment.delivered').length >= perTarget;

      ctx.step(3);
      await waitFor(() => delivered(receiver.events().map((e) => ({ type: e.type }))), {
        timeoutMs,
        what: 'shipment.delivered at the HTTP endpoint for every shipment',
      });
      const httpEvents = receiver.events().length;
      const posts = receiver.received.filter((d) => d.method === 'POST');
      check(
        posts.every((d) => d.event !== null),
        'every HTTP callback verified (Standard Webhooks)',
      );
      ctx.say(`${httpEvents} signed events at the HTTP endpoint (Standard Webhooks verified)`);

      ctx.step(4);
      const mailUrl = `${ctx.urls.mailbox}/api/v1/messages?limit=100&to=${encodeURIComponent(ADDRESS)}`;
      const mailsFor = async () => {
        const res = await ctx.fetch(mailUrl);
        check(res.ok, `the mailbox API answers (${res.status})`);
        const list = (await res.json()) as { data: { subject: string; message_id: string | null }[] };
        return list.data.filter((m) => shipments.email.some((id) => m.subject.includes(id)));
      };
      const mails = await waitFor(
        async () => {
          const m = await mailsFor();
          return (
            m.filter((x) => x.subject.startsWith('[Hooklab] shipment.delivered')).length >= perTarget && m
          );
        },
        { timeoutMs, what: 'a shipment.delivered e-mail for every mailto: shipment' },
      );
      ctx.say(`${mails.length} e-mails to ${ADDRESS}, e.g. "${mails[0]?.subject}"`);

      ctx.step(5);
      const consumed = () => [...byConsumer['warehouse-a']!, ...byConsumer['warehouse-b']!];
      await waitFor(
        async () => {
          // Every shipment's last event consumed and nothing left in flight: the queue has settled.
          const depth = await broker.depth(queueName);
          const last = consumed().filter((e) => e.type === 'shipment.delivered').length;
          return last >= perTarget && depth.ready + depth.inFlight === 0;
        },
        { timeoutMs, what: 'the queue drained by the two consumers' },
      );
      const ids = consumed().map((e) => e.id);
      const duplicates = ids.length - new Set(ids).size;
      check(duplicates === 0, 'each queue message was handled by exactly one consumer', byConsumer);
      ctx.say(
        `${ids.length} queue messages: warehouse-a ${byConsumer['warehouse-a']!.length}, warehouse-b ${byConsumer['warehouse-b']!.length}, none twice`,
      );
      const faults: S08Result['faults'] = {};
      if (crash) {
        const c = crashed as { consumer: string; event: CloudEvent } | null;
        check(c, 'a consumer took a message and crashed before its ack');
        const other = Object.keys(byConsumer).find((name) => name !== c.consumer)!;
        const redelivered = byConsumer[other]!.find((e) => e.id === c.event.id);
        check(redelivered, `the message ${c.consumer} never acked was redelivered to ${other}`, byConsumer);
        const deliveries = deliveriesOf.get(c.event.id) ?? 0;
        check(deliveries >= 2, 'the redelivered message says it was delivered before', { deliveries });
        faults.consumerCrash = {
          crashed: c.consumer,
          eventId: c.event.id,
          eventType: c.event.type,
          redeliveredTo: other,
          deliveries,
        };
        ctx.say(
          `${c.consumer} crashed holding ${c.event.type} ${c.event.id} (no ack); after the visibility timeout ${other} got it (delivery ${deliveries}) and acked it — handled once`,
        );
      }

      ctx.step(6);
      if (outage) {
        const restored = await outage;
        // A witness per message: each one logistics tried (the refused ones included) has a delivered
        // attempt, then each of those events is at all three subscribers.
        const header = (a: AttemptRecord, name: string) => a.requestHeaders?.[name] ?? '';
        const settled = await waitFor(
          async () => {
            const attempts = await logisticsAttempts(ctx, `topic:${topicName}`);
            const delivered = attempts.filter((a) => a.outcome === 'delivered');
            const done = new Set(delivered.map((a) => header(a, 'x-hooklab-message-id')));
            const last = delivered.filter((a) => header(a, 'x-hooklab-event-type') === 'shipment.delivered');
            const open = attempts.filter((a) => !done.has(header(a, 'x-hooklab-message-id')));
            return last.length >= perTarget && open.length === 0 && { attempts, delivered };
          },
          // After an outage the next retry may be one schedule step (up to 30 s in local mode) away.
          {
            timeoutMs: timeoutMs + 30_000,
            what: 'a delivered attempt for every topic message logistics tried (the retries after the outage)',
          },
        );
        const eventIds = [...new Set(settled.delivered.map((a) => header(a, 'x-hooklab-event-id')))];
        await waitFor(() => topicSeen.every((seen) => eventIds.every((id) => seen.has(id))), {
          timeoutMs,
          what: 'every topic event logistics delivered, at all three subscribers',
        });
        const failed = settled.attempts.filter((a) => a.outcome !== 'delivered');
        const retried = settled.delivered.filter((a) => (a.attempt ?? 1) > 1);
        check(failed.length > 0, 'attempts to the topic failed while the broker was down', settled.attempts);
        check(
          retried.length > 0,
          'retried attempts to the topic succeeded once it was back',
          settled.attempts,
        );
        faults.brokerDown = {
          ...restored,
          failedAttempts: failed.length,
          retriedDelivered: retried.length,
          messages: eventIds.length,
        };
        ctx.say(
          `broker down: ${failed.length} failed attempt(s); ${retried.length} message(s) delivered by a retry; all ${eventIds.length} at every subscriber, nothing lost`,
        );
      }
      await waitFor(
        () => {
          const delivered = topicSeen.map(
            (seen) => [...seen.values()].filter((e) => e.type === 'shipment.delivered').length,
          );
          return delivered.every((d) => d >= perTarget);
        },
        { timeoutMs, what: 'shipment.delivered at all three subscribers' },
      );
      const all = new Set(topicSeen.flatMap((s) => [...s.keys()]));
      const perSubscriber = topicSeen.map((s) => s.size);
      check(
        topicSeen.every((s) => s.size === all.size),
        'every subscriber got every topic message',
        perSubscriber,
      );
      const sample = [...topicSeen[0]!.values()][0]!;
      check(
        sample.specversion === '1.0' &&
          sample.source === '/logistics' &&
          typeof sample.traceparent === 'string',
        'topic messages are CloudEvents 1.0 from /logistics with a traceparent',
        sample,
      );
      ctx.say(`${all.size} topic messages, each at all three subscribers (${perSubscriber.join(', ')})`);

      return {
        engines: { queue: broker.kind, topic: mqttUrl ? 'mqtt' : 'embedded' },
        http: { events: httpEvents, verified: true },
        email: { mails: mails.length },
        queue: {
          messages: ids.length,
          byConsumer: Object.fromEntries(Object.entries(byConsumer).map(([k, v]) => [k, v.length])),
          duplicates,
        },
        topic: { messages: all.size, perSubscriber },
        refused,
        faults,
      };
    } finally {
      await outage?.catch(() => {});
      if (held) await new Promise<void>((resolve) => held!.close(() => resolve()));
      if (senderPaused) await setLogisticsSender(ctx, false).catch(() => {});
      await Promise.all([...consumers.values()].map((c) => c.close()));
      await Promise.all(subscribers.map((s) => s.close()));
      await broker.close();
      await receiver.close();
    }
  },
});
