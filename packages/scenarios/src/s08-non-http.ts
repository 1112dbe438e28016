import {
  type CloudEvent,
  consumeQueue,
  createQueueBroker,
  DEFAULT_TOPIC_PORT,
  subscribeTopic,
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
    'Two competing consumers: each queue message handled exactly once',
    'Three subscribers: each gets every topic message',
  ],
  async run(ctx) {
    const keys = logisticsKeys(ctx);
    const perTarget = Number(ctx.params.shipments_per_target ?? 2);
    const timeoutMs = Number(ctx.params.timeout_ms ?? 30_000);
    const redisUrl = ctx.params.redis_url ? String(ctx.params.redis_url) : undefined;
    const mqttUrl = ctx.params.mqtt_url ? String(ctx.params.mqtt_url) : undefined;
    const queueFile = ctx.params.queue_db ? String(ctx.params.queue_db) : undefined;
    const topicPort = Number(ctx.params.topic_port ?? DEFAULT_TOPIC_PORT);
    const tag = Date.now().toString(36);
    const queueName = `s08-pick-lists-${tag}`;
    const topicName = `s08/shipments/${tag}`;

    ctx.step(0);
    const receiver = await startCallbackReceiver({ secret: keys.callbackSecret });
    const broker = createQueueBroker({ redisUrl, file: queueFile });
    const byConsumer: Record<string, CloudEvent[]> = { 'warehouse-a': [], 'warehouse-b': [] };
    const consumers = Object.keys(byConsumer).map((name) =>
      consumeQueue(queueName, (e: CloudEvent) => void byConsumer[name]!.push(e), {
        broker,
        consumer: name,
        visibilityMs: 5000,
      }),
    );
    const topicSeen: Map<string, CloudEvent>[] = [new Map(), new Map(), new Map()];
    const subscribers = await Promise.all(
      topicSeen.map((seen, i) =>
        subscribeTopic(topicName, (e) => void seen.set(e.id, e), {
          url: mqttUrl,
          embeddedPort: topicPort,
          name: `subscriber-${i + 1}`,
        }),
      ),
    );
    ctx.say(
      `receiver ${receiver.url}; queue:${queueName} on ${broker.kind}; topic:${topicName} on ${mqttUrl ? 'MQTT' : 'the embedded broker'}`,
    );

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

      ctx.step(6);
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
      };
    } finally {
      await Promise.all(consumers.map((c) => c.close()));
      await Promise.all(subscribers.map((s) => s.close()));
      await broker.close();
      await receiver.close();
    }
  },
});
