import {
  childSpan,
  currentTrace,
  type FetchLike,
  formatTraceparent,
  newTrace,
  type ServiceName,
  withTrace,
} from '@hooklab/service';
import { type CloudEvent, consumeQueue, createQueueBroker } from '@hooklab/webhooks';
import { WebClient } from '@slack/web-api';
import { notifierRegistered } from './notifier-client.ts';
import { buyAndPay, followOrder } from './s04-order-fulfilment.ts';
import { check, defineScenario, type ScenarioContext, waitFor } from './scenario.ts';
import { shopReady } from './shop-client.ts';

const CUSTOMER_EMAIL = 'ada@example.com';

interface MailSummary {
  id: string;
  subject: string;
  sender: string | null;
  trace_id: string | null;
}
interface Mail extends MailSummary {
  text: string | null;
  html: string | null;
  headers: { name: string; value: string }[];
}
interface PickList {
  shipment_id: string;
  order_id: string;
  lines: { sku: string; name: string | null; quantity: number }[];
}
interface SlackLine {
  channel: string;
  text: string;
}

export interface S14Result {
  orderId: string;
  traceId: string;
  statuses: string[];
  shipment: { carrier: string | null; tracking_number: string | null };
  emails: { subject: string; sender: string | null; traceId: string | null; eventId: string | null }[];
  pickList: {
    id: string;
    shipmentId: string;
    lines: number;
    traceparent: string | null;
    deliveries: number;
    /** The queue engine: the embedded SQLite file, or Redis Streams with `redis_url`. */
    engine: 'sqlite' | 'redis';
  };
  slack: SlackLine[];
  /** Per app: how many of its recorded exchanges are in the run's trace. */
  inTrace: Partial<Record<ServiceName, number>>;
  /** Per app: the kinds of those exchanges (api, webhook, email, queue…). */
  kinds: Partial<Record<ServiceName, string[]>>;
}

const ACTORS: ServiceName[] = ['shop', 'payments', 'logistics', 'slack', 'notifier', 'mailbox'];

/** A fetch that carries the run's trace even when the runner gave a plain one (tests, the terminal). */
function tracedIn(trace: ReturnType<typeof newTrace>, base: FetchLike): FetchLike {
  return (input, init) => {
    const req = new Request(input, init);
    if (!req.headers.has('traceparent')) req.headers.set('traceparent', formatTraceparent(childSpan(trace)));
    return base(req);
  };
}

async function mailsFor(ctx: ScenarioContext, orderId: string): Promise<MailSummary[]> {
  const q = new URLSearchParams({ to: CUSTOMER_EMAIL, q: orderId, limit: '50' });
  const res = await ctx.fetch(`${ctx.urls.mailbox}/api/v1/messages?${q}`);
  check(res.ok, `the mailbox API answers (${res.status})`);
  return ((await res.json()) as { data: MailSummary[] }).data;
}

async function mailOf(ctx: ScenarioContext, id: string): Promise<Mail> {
  const res = await ctx.fetch(`${ctx.urls.mailbox}/api/v1/messages/${id}`);
  check(res.ok, `the mailbox gives message ${id} (${res.status})`);
  return (await res.json()) as Mail;
}

const header = (m: Mail, name: string) =>
  m.headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value ?? null;

/** S14: one purchase through every app, each hop in one trace, ending delivered. */
export const s14 = defineScenario<S14Result>({
  id: 'S14',
  title: 'The whole shop, end to end',
  story:
    'A customer buys a dress: a Checkout Session, the hosted payment page, `payment_intent.succeeded`, the order ' +
    'paid, `order.created` to logistics, then fulfilled, tracking and delivered callbacks. On the way the ' +
    'customer gets an order confirmation and a shipping e-mail (`mailto:` through the shop’s outbox, read in ' +
    'the mailbox), the warehouse gets its pick list on a queue (`queue:warehouse-picking`, CloudEvents), and ' +
    'the notifier posts each step to Slack (paid, shipped, each tracking update, delivered). One trace links every hop: API calls, webhooks, e-mails, the ' +
    'queue message and the Slack calls.',
  actors: ACTORS,
  steps: [
    'Wait for the notifier’s registrations; start the warehouse worker on the pick-list queue',
    'The customer buys a dress: Checkout Session → hosted page → paid with the good card',
    'payment_intent.succeeded → order paid → order confirmation e-mail in the mailbox',
    'order.created → logistics: the pick list on the queue, consumed and acked by the warehouse',
    'shipment.fulfilled with tracking → order fulfilled → shipping e-mail with the tracking number',
    'shipment.delivered → order delivered',
    'Slack: a message at each step — paid in #payments and #orders, shipped, tracking in #shipping, delivered — read back with conversations.history',
    'One trace: every app’s recorded exchanges carry the run’s trace id',
  ],
  async run(ctx) {
    const trace = currentTrace() ?? newTrace();
    // Under the runner the trace and a traced fetch are given; elsewhere S14 makes its own, so the check holds.
    const run = currentTrace() ? ctx : { ...ctx, fetch: tracedIn(trace, ctx.fetch) };
    return withTrace(trace, () => runS14(run, trace.traceId));
  },
});

async function runS14(ctx: ScenarioContext, traceId: string): Promise<S14Result> {
  const timeoutMs = Number(ctx.params.timeout_ms ?? 60_000);
  const queue = String(ctx.params.pick_list_queue ?? 'warehouse-picking');
  const redisUrl = ctx.params.redis_url ? String(ctx.params.redis_url) : undefined;
  const queueFile = ctx.params.queue_db ? String(ctx.params.queue_db) : undefined;
  const slack = new WebClient(String(ctx.keys.slack ?? 'xoxp-hooklab'), {
    slackApiUrl: `${ctx.urls.slack}/api/`,
    retryConfig: { retries: 0 },
    fetch: ctx.fetch as typeof fetch,
  });

  ctx.step(0);
  await notifierRegistered(ctx, timeoutMs);
  await shopReady(ctx);
  const broker = createQueueBroker({ redisUrl, file: queueFile });
  // The warehouse: one picker on the queue. Older pick lists (other runs) are picked too; ours is awaited.
  const picked = new Map<string, { event: CloudEvent<PickList>; deliveries: number }>();
  const worker = consumeQueue(
    queue,
    (event, info) => {
      const e = event as CloudEvent<PickList>;
      picked.set(e.data.order_id, { event: e, deliveries: info.deliveries });
    },
    { broker, consumer: 'warehouse-s14', visibilityMs: 10_000 },
  );
  ctx.say(`the warehouse listens on queue:${queue} (${broker.kind}); the notifier is registered`);

  try {
    ctx.step(1);
    const orderId = await buyAndPay(ctx, String(ctx.params.sku ?? 'DR-001'));
    const order = followOrder(ctx, orderId, timeoutMs);

    ctx.step(2);
    await order.until(['paid', 'fulfilled', 'delivered'], 'paid');
    const confirmation = await waitFor(
      async () => (await mailsFor(ctx, orderId)).find((m) => m.subject.includes('is confirmed')),
      { timeoutMs, intervalMs: 100, what: `the order confirmation e-mail for ${orderId}` },
    );
    ctx.say(`${orderId} paid; the customer got “${confirmation.subject}”`, confirmation);

    ctx.step(3);
    const pick = await waitFor(() => picked.get(orderId), {
      timeoutMs,
      intervalMs: 50,
      what: `the pick list of ${orderId} on queue:${queue}`,
    });
    check(
      pick.event.type === 'pick_list.created',
      'the pick list is a pick_list.created CloudEvent',
      pick.event,
    );
    check(pick.event.source === '/logistics', 'the pick list comes from /logistics', pick.event);
    ctx.say(
      `the warehouse picked ${pick.event.data.lines.map((l) => `${l.quantity}× ${l.sku}`).join(', ')} for shipment ${pick.event.data.shipment_id} and acked it`,
      pick.event,
    );

    ctx.step(4);
    const fulfilled = await order.until(['fulfilled', 'delivered'], 'fulfilled');
    const trackingNumber = fulfilled.shipment?.tracking_number;
    check(trackingNumber, 'the fulfilled order has a tracking number', fulfilled);
    const shipped = await waitFor(
      async () => (await mailsFor(ctx, orderId)).find((m) => m.subject.includes('has shipped')),
      { timeoutMs, intervalMs: 100, what: `the shipping e-mail for ${orderId}` },
    );
    const shippedMail = await mailOf(ctx, shipped.id);
    check(
      shippedMail.text?.includes(trackingNumber),
      'the shipping e-mail gives the tracking number',
      shippedMail,
    );
    ctx.say(
      `shipped with ${fulfilled.shipment?.carrier}, tracking ${trackingNumber}; e-mail “${shipped.subject}”`,
    );

    ctx.step(5);
    const delivered = await order.until(['delivered'], 'delivered');
    await order.recorded();
    ctx.say(`${orderId} delivered: ${order.statuses.join(' → ')}`);

    ctx.step(6);
    const channels = (await slack.conversations.list({ limit: 200 })).channels ?? [];
    const idOf = (name: string) => {
      const c = channels.find((ch) => ch.name === name);
      check(
        c?.id,
        `Slack has a #${name} channel`,
        channels.map((ch) => ch.name),
      );
      return c.id;
    };
    const wanted: [string, RegExp][] = [
      ['payments', new RegExp(`^Payment of .* succeeded for order ${orderId}$`)],
      ['orders', new RegExp(`^Order ${orderId} paid`)],
      ['orders', new RegExp(`^Order ${orderId} shipped`)],
      // order.tracking_updated: logistics' in-transit scan, as the shop passes it on.
      ['shipping', new RegExp(`^Order ${orderId}: in transit`)],
      ['orders', new RegExp(`^Order ${orderId} delivered`)],
    ];
    const slackLines = await waitFor(
      async () => {
        const seen: SlackLine[] = [];
        for (const name of new Set(wanted.map(([c]) => c))) {
          const h = await slack.conversations.history({ channel: idOf(name), limit: 200 });
          for (const m of h.messages ?? [])
            if (m.text?.includes(orderId)) seen.push({ channel: `#${name}`, text: m.text });
        }
        const all = wanted.every(([c, re]) => seen.some((s) => s.channel === `#${c}` && re.test(s.text)));
        return all ? seen : null;
      },
      { timeoutMs, intervalMs: 200, what: `a Slack message for each step of ${orderId}` },
    );
    const shippedLine = slackLines.find((l) => / shipped/.test(l.text));
    const trackingLine = slackLines.find((l) => l.channel === '#shipping' && /: in transit/.test(l.text));
    ctx.say(
      `Slack: ${slackLines.map((l) => `${l.channel} “${l.text}”`).join('; ')} (the shipped message carries the tracking number)`,
      slackLines,
    );
    check(shippedLine, 'a Slack message says the order shipped', slackLines);
    check(trackingLine, 'a Slack message in #shipping says where the parcel is', slackLines);

    ctx.step(7);
    const inTrace: S14Result['inTrace'] = {};
    const kinds: S14Result['kinds'] = {};
    const exchanges: Partial<Record<ServiceName, { kind: string; from: string; to: string; url: string }[]>> =
      {};
    for (const app of ACTORS) {
      const res = await ctx.fetch(`${ctx.urls[app]}/_hooklab/exchanges?trace_id=${traceId}&limit=1000`);
      check(res.ok, `${app} shows its recorded exchanges (${res.status})`);
      const { data } = (await res.json()) as {
        data: { kind: string; from: string; to: string; url: string }[];
      };
      exchanges[app] = data;
      inTrace[app] = data.length;
      kinds[app] = [...new Set(data.map((e) => e.kind))].sort();
    }
    const missing = ACTORS.filter((a) => !inTrace[a]);
    check(missing.length === 0, `every app has exchanges in trace ${traceId}`, { missing, inTrace });
    const mails = (exchanges.mailbox ?? []).filter((e) => e.kind === 'email' && e.from === 'shop');
    check(mails.length >= 2, 'both customer e-mails arrived in the run’s trace', exchanges.mailbox);
    const posts = (exchanges.notifier ?? []).filter((e) => e.url.endsWith('/chat.postMessage'));
    check(posts.length >= 5, 'the notifier’s Slack posts are in the run’s trace', exchanges.notifier);
    const queued = (exchanges.logistics ?? []).filter((e) => e.url.startsWith('queue:'));
    check(queued.length >= 1, 'the pick list’s send is in the run’s trace', exchanges.logistics);
    ctx.say(`one trace ${traceId}: ${ACTORS.map((a) => `${a} ${inTrace[a]}`).join(', ')} exchanges`, {
      inTrace,
      kinds,
    });

    const full = await Promise.all([confirmation.id, shipped.id].map((id) => mailOf(ctx, id)));
    return {
      orderId,
      traceId,
      statuses: order.statuses,
      shipment: { carrier: delivered.shipment?.carrier ?? null, tracking_number: trackingNumber },
      emails: full.map((m) => ({
        subject: m.subject,
        sender: m.sender,
        traceId: m.trace_id,
        eventId: header(m, 'x-hooklab-event-id'),
      })),
      pickList: {
        id: pick.event.id,
        shipmentId: pick.event.data.shipment_id,
        lines: pick.event.data.lines.length,
        traceparent: pick.event.traceparent ?? null,
        deliveries: pick.deliveries,
        engine: broker.kind,
      },
      slack: slackLines,
      inTrace,
      kinds,
    };
  } finally {
    await worker.close();
    await broker.close();
  }
}
