import { check, defineScenario, type ScenarioContext, waitFor } from './scenario.ts';
import { shopAdminHeaders, shopReady } from './shop-client.ts';

interface ShopOrder {
  id: string;
  status: string;
  failure_reason: string | null;
  refund: { status: string; id: string | null; amount_refunded: number } | null;
  shipment: {
    id: string | null;
    carrier: string | null;
    tracking_number: string | null;
    label_url: string | null;
  } | null;
}

export interface OrderFulfilmentResult {
  orderId: string;
  shipment: ShopOrder['shipment'];
  statuses: string[];
  outOfStock: { orderId: string; reason: string | null; refunded: boolean } | null;
  shopCallsToLogistics: { method: string; url: string; status: number | null }[];
}

const customer = { name: 'Ada Lovelace', email: 'ada@example.com' };
const shipTo = {
  name: 'Ada Lovelace',
  line1: '12 Rue des Fleurs',
  city: 'Paris',
  postal_code: '75001',
  country: 'FR',
};

export async function getOrder(ctx: ScenarioContext, id: string): Promise<ShopOrder> {
  // The back office reads any order; a customer only the ones placed in their session.
  const res = await ctx.fetch(`${ctx.urls.shop}/api/orders/${id}`, { headers: shopAdminHeaders(ctx) });
  check(res.ok, `GET /api/orders/${id} answered ${res.status}`);
  return (await res.json()) as ShopOrder;
}

/**
 * One order followed by polling the back office: `until` waits for one of `wanted` and notes each status seen
 * on the way; `recorded` swaps those samples for the shop's own history and checks paid → fulfilled → delivered.
 */
export function followOrder(ctx: ScenarioContext, orderId: string, timeoutMs: number) {
  const statuses: string[] = [];
  const note = (s: string) => {
    if (statuses.at(-1) !== s) statuses.push(s);
  };
  return {
    statuses,
    until: (wanted: string[], what: string) =>
      waitFor(
        async () => {
          const o = await getOrder(ctx, orderId);
          note(o.status);
          return wanted.includes(o.status) ? o : null;
        },
        { timeoutMs, intervalMs: 100, what: `order ${orderId} ${what}` },
      ),
    async recorded() {
      const res = await ctx.fetch(`${ctx.urls.shop}/api/orders/${orderId}/history`, {
        headers: shopAdminHeaders(ctx),
      });
      const history = (await res.json()) as { data: { to_status: string; source: string }[] };
      statuses.splice(
        0,
        statuses.length,
        ...history.data.map((h) => h.to_status).filter((st, i, all) => all[i - 1] !== st),
      );
      check(
        ['paid', 'fulfilled', 'delivered'].every((st) => statuses.includes(st)),
        'the order went paid → fulfilled → delivered',
        history.data,
      );
      return history.data;
    },
  };
}

/** Creates an order, and pays it the way a customer would: the hosted page's form, with the good card. */
export async function buyAndPay(ctx: ScenarioContext, sku: string): Promise<string> {
  const created = await ctx.fetch(`${ctx.urls.shop}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      items: [{ sku, quantity: 1 }],
      customer,
      ship_to: shipTo,
      confirmation: 'webhook',
    }),
  });
  const order = (await created.json()) as { id: string };
  check(created.status === 201, `order created (${created.status})`, order);
  // The customer's session cookie, as a browser keeps it: only that session may pay for (or see) the order.
  const cookie = created.headers.get('set-cookie')?.split(';')[0] ?? '';
  const checkout = await ctx.fetch(`${ctx.urls.shop}/api/orders/${order.id}/checkout`, {
    method: 'POST',
    headers: { cookie },
  });
  const session = (await checkout.json()) as { checkout_url: string; session_id: string };
  check(checkout.ok && session.checkout_url, 'the shop made a Checkout Session', session);
  const pay = await ctx.fetch(session.checkout_url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      card_number: '4242424242424242',
      card_expiry: `12 / ${(new Date().getUTCFullYear() + 2) % 100}`,
      card_cvc: '123',
      email: customer.email,
    }).toString(),
    redirect: 'manual',
  });
  check(pay.status === 303, `the hosted page accepted the card (${pay.status})`);
  ctx.say(`${order.id} (${sku}): paid on the hosted page → ${pay.headers.get('location')}`);
  return order.id;
}

/** S04: a paid order goes to logistics by webhook and comes back fulfilled then delivered by callbacks. */
export const s04 = defineScenario<OrderFulfilmentResult>({
  id: 'S04',
  title: 'New order → logistics provider → fulfilment callbacks',
  story:
    'A customer pays for a dress. In the same transaction that marks the order paid, the shop queues a signed ' +
    '`order.created` webhook for the logistics provider, which answers 202 at once and works on it: picking, ' +
    'packing, label, shipping. It calls the shop back with `shipment.fulfilled` (carrier, tracking number), ' +
    'tracking updates and `shipment.delivered`. The shop never asks logistics how it is going.',
  actors: ['shop', 'payments', 'logistics'],
  steps: [
    'Customer buys a dress and pays on the hosted page (good card)',
    'Payments tells the shop (webhook); the order is paid and order.created goes to logistics',
    'Logistics calls back: shipment.fulfilled with carrier and tracking number',
    'Logistics calls back: shipment.delivered',
    'An out-of-stock dress: logistics answers shipment.failed; the shop refunds it (charge.refunded)',
    'Check the shop’s recorded exchanges: it never polled logistics',
  ],
  async run(ctx) {
    const timeoutMs = Number(ctx.params.timeout_ms ?? 60_000);
    ctx.step(0);
    await shopReady(ctx);
    const orderId = await buyAndPay(ctx, String(ctx.params.sku ?? 'DR-001'));
    const oosId = ctx.params.skip_out_of_stock ? null : await buyAndPay(ctx, 'OOS-TULLE');
    const order = followOrder(ctx, orderId, timeoutMs);

    ctx.step(1);
    await order.until(['paid', 'fulfilled', 'delivered'], 'paid');
    ctx.say(`${orderId} is paid; order.created is on its way to logistics through the shop's outbox`);

    ctx.step(2);
    const fulfilled = await order.until(['fulfilled', 'delivered'], 'fulfilled');
    check(
      fulfilled.shipment?.carrier && fulfilled.shipment.tracking_number,
      'the fulfilled order has a carrier and a tracking number',
      fulfilled,
    );
    ctx.say(
      `${orderId} shipped with ${fulfilled.shipment.carrier}, tracking ${fulfilled.shipment.tracking_number}`,
      fulfilled.shipment,
    );

    ctx.step(3);
    const delivered = await order.until(['delivered'], 'delivered');
    // The shop's own record of every transition (polling above only samples it).
    const history = await order.recorded();
    ctx.say(`${orderId} delivered; the shop recorded ${order.statuses.join(' → ')}`, history);

    ctx.step(4);
    let outOfStock: OrderFulfilmentResult['outOfStock'] = null;
    if (oosId) {
      // The refund follows within milliseconds: fulfilment_failed may already have become refunded.
      const failed = await waitFor(
        async () => {
          const o = await getOrder(ctx, oosId);
          return o.status === 'fulfilment_failed' || o.status === 'refunded' ? o : null;
        },
        { timeoutMs, intervalMs: 100, what: `order ${oosId} fulfilment_failed` },
      );
      check(failed.failure_reason === 'out_of_stock', 'the failed order says out_of_stock', failed);
      ctx.say(
        `${oosId} could not ship: ${failed.failure_reason}; the shop refunds it through the payments API`,
      );
      const refunded = await waitFor(
        async () => {
          const o = await getOrder(ctx, oosId);
          return o.status === 'refunded' ? o : null;
        },
        { timeoutMs, intervalMs: 100, what: `order ${oosId} refunded` },
      );
      outOfStock = { orderId: oosId, reason: refunded.failure_reason, refunded: true };
      ctx.say(`${oosId} refunded: payments told the shop with charge.refunded`, refunded.refund);
    } else {
      ctx.say('skipped');
    }

    ctx.step(5);
    const res = await ctx.fetch(`${ctx.urls.shop}/_hooklab/exchanges?limit=1000`);
    const { data } = (await res.json()) as {
      data: { direction: string; method: string; url: string; status: number | null; kind: string }[];
    };
    const logisticsOrigin = new URL(ctx.urls.logistics).origin;
    const toLogistics = data.filter((e) => e.direction === 'out' && e.url.startsWith(logisticsOrigin));
    const polls = toLogistics.filter((e) => !e.url.endsWith('/v1/inbound/orders'));
    check(
      toLogistics.some((e) => e.url.endsWith('/v1/inbound/orders')),
      'the shop sent order.created to logistics',
      toLogistics,
    );
    check(polls.length === 0, 'the shop never called logistics’ status API', polls);
    ctx.say(
      `the shop called logistics ${toLogistics.length} time(s), all POST /v1/inbound/orders; no status polling`,
    );
    return {
      orderId,
      shipment: delivered.shipment,
      statuses: order.statuses,
      outOfStock,
      shopCallsToLogistics: toLogistics.map((e) => ({ method: e.method, url: e.url, status: e.status })),
    };
  },
});
