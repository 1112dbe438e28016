import { raw } from 'hono/html';
import type { OrderEvent } from '../db/schema.ts';
import { formatMoney } from '../domain/catalog.ts';
import { isPayable } from '../domain/order-status.ts';
import type { OrderView } from '../domain/orders.ts';
import { carrierName, describe, sourceText, statusText, timelineText, trackingText } from './order-text.ts';
import { Layout } from './pages.tsx';

/** What the customer came back with (query string): it shapes the notices, on reload and live alike. */
export interface OrderFlags {
  returned: boolean;
  canceled: boolean;
  error?: 'payments' | 'stock';
}

const ERRORS: Record<NonNullable<OrderFlags['error']>, string> = {
  payments: 'The payment provider could not be reached. Your order is kept; try again.',
  stock: 'A dress in this order sold out while you were checking out. Nothing was charged.',
};

/** Reads the flags from a query: `/orders/:id?session_id=…` (Stripe's return) or the live stream's own. */
export function orderFlagsOf(query: (name: string) => string | undefined): OrderFlags {
  const error = query('error');
  return {
    returned: Boolean(query('session_id')) || query('returned') === '1',
    canceled: query('canceled') === '1',
    error: error === 'payments' || error === 'stock' ? error : undefined,
  };
}

function streamUrl(orderId: string, flags: OrderFlags): string {
  const q = new URLSearchParams();
  if (flags.returned) q.set('returned', '1');
  if (flags.canceled) q.set('canceled', '1');
  if (flags.error) q.set('error', flags.error);
  const qs = q.toString();
  return `/orders/${orderId}/live${qs ? `?${qs}` : ''}`;
}

const fmtTime = (ms: number) => new Date(ms).toISOString().slice(11, 19);

function ReturnedNotice(props: { order: OrderView; pollIntervalMs: number }) {
  const how =
    props.order.confirmation === 'polling'
      ? `when it sees the payment succeed (it asks the payment provider every ${props.pollIntervalMs} ms: polling)`
      : 'when the payment provider tells it (a webhook)';
  return (
    <div class="notice" id="returned">
      Back from the payment page. The shop marks the order paid {how}, not because your browser came back:
      this page updates by itself.
    </div>
  );
}

function Timeline(props: { events: OrderEvent[] }) {
  return (
    <ol class="timeline" id="timeline">
      {props.events.map((e) => {
        const text = timelineText(e);
        if (!text) return null;
        const via = sourceText(e.source);
        return (
          <li data-event={String(e.id)}>
            <time>{fmtTime(e.at)}</time>
            {text}
            {via === 'shop' ? null : <span class="muted"> · {via}</span>}
          </li>
        );
      })}
    </ol>
  );
}

/**
 * Everything on the order page that changes. The page renders it once; the live stream sends it again,
 * rendered by this same component, after every change: a reload and the live page cannot differ.
 */
export function OrderLive(props: {
  order: OrderView;
  events: OrderEvent[];
  flags: OrderFlags;
  pollIntervalMs: number;
}) {
  const o = props.order;
  const payable = isPayable(o);
  const waiting = payable || o.payment.processing;
  return (
    <>
      <h1>
        <span id="status" data-testid="order-status" data-status={o.status} class={`status ${o.status}`}>
          {statusText(o)}
        </span>
      </h1>
      <p id="status-text">{describe(o)}</p>
      {props.flags.returned && waiting ? (
        <ReturnedNotice order={o} pollIntervalMs={props.pollIntervalMs} />
      ) : null}
      {props.flags.canceled && payable ? (
        <div class="notice">Payment canceled. Your order is kept.</div>
      ) : null}
      {props.flags.error && payable ? <div class="notice bad">{ERRORS[props.flags.error]}</div> : null}
      <div class="two">
        <div>
          <table>
            <thead>
              <tr>
                <th>Dress</th>
                <th>Qty</th>
                <th>Amount</th>
              </tr>
            </thead>
            <tbody>
              {o.items.map((i) => (
                <tr>
                  <td>
                    {i.name} {i.sku ? <span class="sku">{i.sku}</span> : null}
                  </td>
                  <td>{i.quantity}</td>
                  <td>{formatMoney(i.amount, o.currency)}</td>
                </tr>
              ))}
              <tr>
                <th>Total</th>
                <td />
                <th>{formatMoney(o.amount_total, o.currency)}</th>
              </tr>
            </tbody>
          </table>
          {payable ? (
            <form id="pay-form" method="post" action={`/orders/${o.id}/pay`}>
              <p>
                <button type="submit" data-testid="pay">
                  {o.status === 'payment_failed' ? 'Try the payment again' : 'Pay now'}
                </button>
              </p>
            </form>
          ) : null}
          <h2>Timeline</h2>
          <Timeline events={props.events} />
        </div>
        <div class="panel">
          <h2 style="margin-top:0">Delivery</h2>
          <dl class="facts">
            <dt>To</dt>
            <dd>
              {o.ship_to.name}, {o.ship_to.line1}, {o.ship_to.postal_code} {o.ship_to.city},{' '}
              {o.ship_to.country}
            </dd>
            <dt>Carrier</dt>
            <dd id="carrier" data-testid="carrier">
              {carrierName(o.shipment?.carrier)}
            </dd>
            <dt>Tracking</dt>
            <dd id="tracking" data-testid="tracking-number">
              {o.shipment?.tracking_number ?? '—'}
            </dd>
            <dt>Parcel</dt>
            <dd id="tracking-status">
              {trackingText(o.shipment?.tracking_status)}
              {o.shipment?.location ? ` · ${o.shipment.location}` : ''}
            </dd>
            <dt>Label</dt>
            <dd id="label">{o.shipment?.label_url ? <a href={o.shipment.label_url}>label</a> : '—'}</dd>
            {o.refund?.status === 'refunded' ? (
              <>
                <dt>Refunded</dt>
                <dd id="refund">{formatMoney(o.refund.amount_refunded, o.currency)}</dd>
              </>
            ) : null}
            <dt>Confirmed by</dt>
            <dd>{o.confirmation}</dd>
          </dl>
        </div>
      </div>
    </>
  );
}

// The page's only script: the live region is replaced by what the server renders (no client templates).
const SCRIPT = `
(function () {
  var region = document.getElementById('order-live'), live = document.getElementById('live');
  var es = new EventSource(region.getAttribute('data-stream'));
  es.addEventListener('order', function (msg) { region.innerHTML = JSON.parse(msg.data).html; });
  es.onerror = function () { live.textContent = 'reconnecting…'; };
  es.onopen = function () { live.textContent = 'live'; };
})();`;

export function OrderPage(props: {
  order: OrderView;
  events: OrderEvent[];
  flags: OrderFlags;
  pollIntervalMs: number;
}) {
  return (
    <Layout title={`Order ${props.order.id}`}>
      <p class="muted" style="margin:0">
        Order {props.order.id}
      </p>
      <section id="order-live" data-stream={streamUrl(props.order.id, props.flags)}>
        <OrderLive {...props} />
      </section>
      <p class="live" id="live">
        live
      </p>
      <script>{raw(SCRIPT)}</script>
    </Layout>
  );
}
