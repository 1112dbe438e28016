import {
  type CloudEvent,
  consumeQueue,
  createQueueBroker,
  DEFAULT_TOPIC_PORT,
  type QueueConsumer,
  setTransportFault,
  subscribeTopic,
  type TopicSubscription,
  transportFault,
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
  responseBody?: string;
  requestHeaders?: Record<string, string>;
}

const ADDRESS = 'ops@atelier.test';
/** What logistics sends for each shipment at least: fulfilled, a tracking update, delivered. */
const EVENTS_PER_SHIPMENT = 3;

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

async function logisticsAttempts(ctx: ScenarioContext, url: string): Promise<AttemptRecord[]> {
  const res = await ctx.fetch(`${ctx.urls.logistics}/_hooklab/exchanges?limit=1000`);
  check(res.ok, `logistics' exchange log answers (${res.status})`);
  const { data } = (await res.json()) as { data: AttemptRecord[] };
  return data.filter((e) => e.url === url && e.attempt !== undefined);
}

interface LogisticsTransportFaults {
  broker_down: boolean;
  consumer_crashes_pending: number;
}

/** Logistics' transport faults (the kit's control API), switched when `transport` is given. */
async function logisticsTransport(
  ctx: ScenarioContext,
  transport?: { broker_down: boolean },
): Promise<LogisticsTransportFaults | undefined> {
  const res = await ctx.fetch(`${ctx.urls.logistics}/_hooklab/control`, {
    ...(transport
      ? {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ transport }),
        }
      : {}),
  });
  // Only asked (not switched): a control API that does not answer us leaves the check to this process's board.
  if (!transport && !res.ok) {
    await res.body?.cancel();
    return undefined;
  }
  check(res.ok, `logistics' control API answers (${res.status})`);
  return ((await res.json()) as { transport?: LogisticsTransportFaults }).transport;
}

/**
 * The broker down or back up on the transport fault board, as the console's switch does it: this process
 * (S08's subscribers, and often the embedded broker) and logistics' (the publisher; the same board when it
 * runs in this process). Back up: this process first — the broker hosted again and the subscribers back —
 * then logistics, so its next retries reach every subscriber.
 */
async function switchBroker(ctx: ScenarioContext, down: boolean) {
  if (down) {
    await setTransportFault({ brokerDown: true });
    await logisticsTransport(ctx, { broker_down: true });
  } else {
    await setTransportFault({ brokerDown: false });
    await logisticsTransport(ctx, { broker_down: false });
  }
}

const ALREADY_DOWN =
  'the topic broker is switched down (the console\'s "Topic broker down" switch, or another run\'s broker_down_ms): ' +
  "S08's subscribers cannot reach it. Switch it back up (the console's fault panel, or POST /api/control/transport " +
  '{"broker_down": false}) and run S08 again; for an outage within the run use broker_down_ms';

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
    const tag = Date.now().toString(36);
    const queueName = `s08-pick-lists-${tag}`;
    const topicName = `s08/shipments/${tag}`;

    ctx.step(0);
    // A broker switched down before the run (a person left the console's switch on): said plainly, not a
    // subscriber's connection error.
    if (transportFault().brokerDown || (await logisticsTransport(ctx))?.broker_down) {
      ctx.say(ALREADY_DOWN);
      check(false, ALREADY_DOWN);
    }
    const receiver = await startCallbackReceiver({ secret: keys.callbackSecret });
    const broker = createQueueBroker({ redisUrl, file: queueFile });
    const byConsumer: Record<string, CloudEvent[]> = { 'warehouse-a': [], 'warehouse-b': [] };
    // Handled (acked) messages with their delivery count.
    const deliveriesOf = new Map<string, number>();
    const consumers = new Map<string, QueueConsumer>();
    // With the crash armed: the visibility timeout short, so the redelivery shows within the run, and the
    // crashed warehouse restarted only after it, so the other one takes the message.
    const visibilityMs = crash ? 1500 : 5000;
    for (const name of Object.keys(byConsumer)) {
      const consumer = consumeQueue(
        queueName,
        (e: CloudEvent, info) => {
          byConsumer[name]!.push(e);
          deliveriesOf.set(e.id, info.deliveries);
        },
        { broker, consumer: name, visibilityMs, ...(crash ? { restartMs: 3 * visibilityMs } : {}) },
      );
      consumers.set(name, consumer);
    }
    const crashesBefore = transportFault().consumerCrashes;
    if (crashesBefore > 0)
      ctx.say(
        `${crashesBefore} consumer crash(es) armed in this process (the console's switch): the next queue consumer to take a message dies holding it`,
      );
    let armed = false;
    const topicSeen: Map<string, CloudEvent>[] = [new Map(), new Map(), new Map()];
    const subscribers: TopicSubscription[] = await Promise.all(
      topicSeen.map((seen, i) =>
        subscribeTopic(topicName, (e) => void seen.set(e.id, e), {
          url: mqttUrl,
          embeddedPort: topicPort,
          name: `subscriber-${i + 1}`,
        }),
      ),
    );
    let brokerDown = false;
    let outage: Promise<{ downMs: number }> | null = null;
    ctx.say(
      `receiver ${receiver.url}; queue:${queueName} on ${broker.kind}; topic:${topicName} on ${mqttUrl ? 'MQTT' : 'the embedded broker'}`,
    );

    // Broker down on the transport fault board (what the console's switch does), a failed attempt witnessed,
    // then after brokerDownMs back up: hosted again, the subscribers back, then logistics publishes again.
    const takeBrokerDown = async () => {
      brokerDown = true;
      await switchBroker(ctx, true);
      const downAt = Date.now();
      ctx.say(
        `broker down for ${brokerDownMs} ms (the transport fault board, as the console's switch): every topic publish is refused`,
      );
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
          `attempt ${first.attempt} to topic:${topicName} failed — ${first.responseBody ?? first.error}; the outbox retries it`,
        );
        await new Promise((r) => setTimeout(r, Math.max(0, downAt + brokerDownMs - Date.now())));
        await switchBroker(ctx, false);
        brokerDown = false;
        const downMs = Date.now() - downAt;
        ctx.say(
          `broker back up after ${downMs} ms; the subscribers back and subscribed before logistics was told, so none misses a retry`,
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
        if (kind === 'queue' && crash && transportFault().consumerCrashes === 0) {
          // Armed on the board as the console's switch arms it: the next consumer in this process to take a
          // message dies holding it (no ack) and is restarted.
          await setTransportFault({ consumerCrashes: 1 });
          armed = true;
          ctx.say('a consumer crash armed: the next warehouse to take a pick list dies before its ack');
        }
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

      // Every event of every shipment, not only the last: a retried earlier one can arrive after `delivered`.
      const delivered = (events: { type: string }[]) =>
        events.filter((e) => e.type === 'shipment.delivered').length >= perTarget &&
        events.length >= EVENTS_PER_SHIPMENT * perTarget;

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
            m.filter((x) => x.subject.startsWith('[Hooklab] shipment.delivered')).length >= perTarget &&
            m.length >= EVENTS_PER_SHIPMENT * perTarget &&
            m
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
        const c = transportFault().crashes.find((x) => x.queue === queueName);
        check(
          c,
          "a consumer took a message and crashed before its ack (the crash armed on this process's board was not taken by another consumer)",
        );
        const other = Object.keys(byConsumer).find((name) => name !== c.consumer)!;
        const redelivered = byConsumer[other]!.find((e) => e.id === c.eventId);
        check(redelivered, `the message ${c.consumer} never acked was redelivered to ${other}`, byConsumer);
        const deliveries = deliveriesOf.get(c.eventId) ?? 0;
        check(deliveries >= 2, 'the redelivered message says it was delivered before', { deliveries });
        faults.consumerCrash = {
          crashed: c.consumer,
          eventId: c.eventId,
          eventType: c.eventType,
          redeliveredTo: other,
          deliveries,
        };
        ctx.say(
          `${c.consumer} crashed holding ${c.eventType} ${c.eventId} (no ack); after the visibility timeout ${other} got it (delivery ${deliveries}) and acked it — handled once`,
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
      // Whatever S08 switched on the board is off again when it ends, failed or not.
      if (brokerDown) await switchBroker(ctx, false).catch(() => {});
      if (armed && !transportFault().crashes.some((x) => x.queue === queueName))
        await setTransportFault({ consumerCrashes: Math.max(0, transportFault().consumerCrashes - 1) });
      await Promise.all([...consumers.values()].map((c) => c.close()));
      await Promise.all(subscribers.map((s) => s.close()));
      await broker.close();
      await receiver.close();
    }
  },
});
