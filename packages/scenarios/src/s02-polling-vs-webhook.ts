import { paymentsKeys, stripeFor } from './payments-client.ts';
import { check, defineScenario, type ScenarioContext, waitFor } from './scenario.ts';
import { shopAdminHeaders, shopReady } from './shop-client.ts';

interface Side {
  orders: number;
  orders_known: number;
  requests_made: number;
  requests_nothing_new: number;
  deliveries_received: number;
  delay_ms: { samples: number; p50: number | null; max: number | null; bounds_p50: (number | null)[] | null };
}

interface OrderFigures {
  order_id: string;
  mode: string;
  requests_made: number;
  requests_nothing_new: number;
  deliveries_received: number;
  change_source: string | null;
  delay_ms: { estimate: number; min: number; max: number } | null;
}

export interface PollingVsWebhookResult {
  paymentMethod: string;
  intervalMs: number;
  webhook: OrderFigures;
  polling: OrderFigures;
  totals: { webhook: Side; polling: Side };
}

const PAID_OR_LATER = new Set(['paid', 'fulfilled', 'delivered', 'fulfilment_failed']);

const ORDER = {
  items: [{ sku: 'DR-002', quantity: 1 }],
  customer: { name: 'Grace Hopper', email: 'grace@example.com' },
  ship_to: {
    name: 'Grace Hopper',
    line1: '3 Quai Voltaire',
    city: 'Paris',
    postal_code: '75007',
    country: 'FR',
  },
};

async function shopJson<T>(ctx: ScenarioContext, path: string, init?: RequestInit): Promise<T> {
  // The back office's key: it may read and pay any order (a customer only their session's).
  const res = await ctx.fetch(`${ctx.urls.shop}${path}`, {
    ...init,
    headers: { ...shopAdminHeaders(ctx), ...(init?.headers as Record<string, string> | undefined) },
  });
  const body = (await res.json()) as T;
  check(res.ok, `shop ${init?.method ?? 'GET'} ${path} answered ${res.status}`, body);
  return body;
}

/** S02: the same kind of payment confirmed two ways, with the shop counting what each way cost it. */
export const s02 = defineScenario<PollingVsWebhookResult>({
  id: 'S02',
  title: 'Polling versus a webhook for the same fact',
  story:
    'Two orders, paid the same way: a bank debit that stays `processing` for a few seconds, then succeeds. ' +
    'For one order the shop polls GET /v1/payment_intents/:id every N ms; for the other it waits for ' +
    'payments to tell it with a signed `payment_intent.succeeded`. The shop counts every request it made, ' +
    'the ones that told it nothing new, the deliveries it received, and how long it took to know.',
  actors: ['shop', 'payments'],
  steps: [
    'Shop creates two orders: one confirmed by webhook, one by polling',
    'Shop creates a PaymentIntent for each (official SDK); the polling order starts polling',
    'The customer pays both by bank debit: confirm with a method that stays processing, then succeeds',
    'Wait until the shop knows both orders are paid',
    'Read the shop’s counters side by side',
  ],
  async run(ctx) {
    const paymentMethod = String(ctx.params.payment_method ?? 'pm_usBankAccount_success');
    const post = { method: 'POST', headers: { 'content-type': 'application/json' } };

    ctx.step(0);
    await shopReady(ctx);
    const viaWebhook = await shopJson<{ id: string }>(ctx, '/api/orders', {
      ...post,
      body: JSON.stringify({ ...ORDER, confirmation: 'webhook' }),
    });
    const viaPolling = await shopJson<{ id: string }>(ctx, '/api/orders', {
      ...post,
      body: JSON.stringify({ ...ORDER, confirmation: 'polling' }),
    });
    ctx.say(`order ${viaWebhook.id} will learn by webhook; order ${viaPolling.id} by polling`);

    ctx.step(1);
    const piWebhook = await shopJson<{ payment_intent_id: string }>(
      ctx,
      `/api/orders/${viaWebhook.id}/payment_intent`,
      { method: 'POST' },
    );
    const piPolling = await shopJson<{ payment_intent_id: string }>(
      ctx,
      `/api/orders/${viaPolling.id}/payment_intent`,
      { method: 'POST' },
    );
    ctx.say(
      `PaymentIntents ${piWebhook.payment_intent_id} (webhook) and ${piPolling.payment_intent_id} (polling)`,
    );

    ctx.step(2);
    const stripe = stripeFor(ctx, paymentsKeys(ctx).secret);
    const confirmed = await Promise.all(
      [piWebhook, piPolling].map((p) =>
        stripe.paymentIntents.confirm(p.payment_intent_id, { payment_method: paymentMethod }),
      ),
    );
    for (const pi of confirmed) ctx.say(`confirmed ${pi.id} with ${paymentMethod}: ${pi.status}`);
    check(
      confirmed.every((pi) => pi.status === 'processing' || pi.status === 'succeeded'),
      'both payments are under way',
      confirmed.map((pi) => pi.status),
    );

    ctx.step(3);
    const timeoutMs = Number(ctx.params.timeout_ms ?? 30_000);
    for (const order of [viaWebhook, viaPolling]) {
      await waitFor(
        // Paid, or already past it: with logistics running, a paid order may be fulfilled within milliseconds.
        async () =>
          PAID_OR_LATER.has((await shopJson<{ status: string }>(ctx, `/api/orders/${order.id}`)).status),
        { timeoutMs, intervalMs: 100, what: `order ${order.id} paid` },
      );
    }
    ctx.say('the shop knows both orders are paid');

    ctx.step(4);
    const metrics = await shopJson<{
      interval_ms: number;
      webhook: Side;
      polling: Side;
      orders: OrderFigures[];
    }>(ctx, `/api/metrics/confirmation?order_ids=${viaWebhook.id},${viaPolling.id}`);
    const w = metrics.orders.find((o) => o.order_id === viaWebhook.id);
    const p = metrics.orders.find((o) => o.order_id === viaPolling.id);
    check(w && p, 'the shop has counters for both orders', metrics);
    // How many polls are wasted depends on the settle delay versus the interval; that the count is real is the point.
    check(
      p.requests_made >= 1 && p.requests_nothing_new < p.requests_made,
      'polling made requests, and the last one told something new',
      p,
    );
    check(
      w.requests_made === 0 && w.deliveries_received >= 1,
      'the webhook order made no request and received deliveries',
      w,
    );
    check(w.delay_ms && p.delay_ms, 'both delays were measured', { w, p });
    ctx.say(
      `polling (every ${metrics.interval_ms} ms): ${p.requests_made} requests, ${p.requests_nothing_new} told nothing new; ` +
        `knew ≈${p.delay_ms.estimate} ms after the change (between ${p.delay_ms.min} and ${p.delay_ms.max})`,
      p,
    );
    ctx.say(
      `webhook: 0 requests, ${w.deliveries_received} deliveries received; knew ≈${w.delay_ms.estimate} ms after the change ` +
        `(between ${w.delay_ms.min} and ${w.delay_ms.max}: event.created has whole seconds)`,
      w,
    );
    return {
      paymentMethod,
      intervalMs: metrics.interval_ms,
      webhook: w,
      polling: p,
      totals: { webhook: metrics.webhook, polling: metrics.polling },
    };
  },
});
