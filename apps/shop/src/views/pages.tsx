import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { Manifest, OrderEvent, Product } from '../db/schema.ts';
import { formatMoney } from '../domain/catalog.ts';
import type { OrderView } from '../domain/orders.ts';

export const STATUS_TEXT: Record<string, string> = {
  pending_payment: 'Awaiting payment',
  payment_failed: 'Payment failed',
  paid: 'Paid',
  fulfilled: 'Shipped',
  delivered: 'Delivered',
  fulfilment_failed: 'Could not ship',
};

export function Layout(props: { title: string; cartCount?: number; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title} · Atelier</title>
        <link rel="stylesheet" href="/assets/atelier.css" />
      </head>
      <body>
        <header class="site">
          <a class="brand" href="/">
            Atelier
          </a>
          <nav>
            <a href="/">Dresses</a>
            <a href="/orders">Orders</a>
            <a href="/cart" data-testid="cart-link">
              Bag{props.cartCount ? ` (${props.cartCount})` : ''}
            </a>
          </nav>
        </header>
        <main>{props.children}</main>
        <footer>Atelier is a demo shop in Hooklab. No dress will be harmed.</footer>
      </body>
    </html>
  );
}

export function CatalogPage(props: { products: Product[]; cartCount: number }) {
  return (
    <Layout title="Dresses" cartCount={props.cartCount}>
      <h1>Dresses</h1>
      <div class="grid">
        {props.products.map((p) => (
          <a class="card" href={`/dresses/${p.slug}`} data-testid={`product-${p.slug}`}>
            <div class="swatch" style={`background:${p.swatch}`} />
            <h3>{p.name}</h3>
            <div class="price">{formatMoney(p.amountCents, p.currency)}</div>
          </a>
        ))}
      </div>
    </Layout>
  );
}

export function ProductPage(props: { product: Product; cartCount: number }) {
  const p = props.product;
  return (
    <Layout title={p.name} cartCount={props.cartCount}>
      <div class="product">
        <div class="swatch" style={`background:${p.swatch}`} />
        <div>
          <h1>{p.name}</h1>
          <p class="price">{formatMoney(p.amountCents, p.currency)}</p>
          <p>{p.description}</p>
          {p.sku ? <p class="sku">SKU {p.sku}</p> : <p class="sku">Made to order</p>}
          <form method="post" action="/cart/items">
            <input type="hidden" name="product_id" value={p.id} />
            <label for="quantity">Quantity</label>
            <select id="quantity" name="quantity" style="width:6rem">
              {[1, 2, 3].map((n) => (
                <option value={String(n)}>{n}</option>
              ))}
            </select>
            <p>
              <button type="submit" data-testid="add-to-bag">
                Add to bag
              </button>
            </p>
          </form>
        </div>
      </div>
    </Layout>
  );
}

export interface CartLine {
  product: Product;
  quantity: number;
}

export function CartPage(props: {
  lines: CartLine[];
  currency: string;
  error?: string;
  defaultMode: string;
}) {
  const total = props.lines.reduce((sum, l) => sum + l.product.amountCents * l.quantity, 0);
  const count = props.lines.reduce((n, l) => n + l.quantity, 0);
  return (
    <Layout title="Your bag" cartCount={count}>
      <h1>Your bag</h1>
      {props.error ? <div class="notice bad">{props.error}</div> : null}
      {props.lines.length === 0 ? (
        <p class="muted">
          Your bag is empty. <a href="/">See the dresses</a>.
        </p>
      ) : (
        <div class="two">
          <div>
            <table>
              <thead>
                <tr>
                  <th>Dress</th>
                  <th>Qty</th>
                  <th>Amount</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {props.lines.map((l) => (
                  <tr>
                    <td>{l.product.name}</td>
                    <td>{l.quantity}</td>
                    <td>{formatMoney(l.product.amountCents * l.quantity, l.product.currency)}</td>
                    <td>
                      <form class="inline" method="post" action="/cart/remove">
                        <input type="hidden" name="product_id" value={l.product.id} />
                        <button class="link" type="submit">
                          remove
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
                <tr>
                  <th>Total</th>
                  <td />
                  <th data-testid="cart-total">{formatMoney(total, props.currency)}</th>
                  <td />
                </tr>
              </tbody>
            </table>
          </div>
          <form class="panel" method="post" action="/checkout">
            <h2 style="margin-top:0">Delivery</h2>
            <label for="name">Name</label>
            <input id="name" name="name" required maxlength={200} value="Ada Lovelace" />
            <label for="email">E-mail</label>
            <input id="email" name="email" type="email" required maxlength={254} value="ada@example.com" />
            <label for="line1">Address</label>
            <input id="line1" name="line1" required maxlength={200} value="12 Rue des Fleurs" />
            <label for="city">City</label>
            <input id="city" name="city" required maxlength={100} value="Paris" />
            <label for="postal_code">Postal code</label>
            <input id="postal_code" name="postal_code" required maxlength={20} value="75001" />
            <label for="country">Country</label>
            <input id="country" name="country" required pattern="[A-Z]{2}" maxlength={2} value="FR" />
            <label for="confirmation">How the shop learns you paid</label>
            <select id="confirmation" name="confirmation">
              <option value="webhook" selected={props.defaultMode === 'webhook'}>
                Webhook (payments tells us)
              </option>
              <option value="polling" selected={props.defaultMode === 'polling'}>
                Polling (we keep asking)
              </option>
            </select>
            <p>
              <button type="submit" data-testid="checkout">
                Pay {formatMoney(total, props.currency)}
              </button>
            </p>
          </form>
        </div>
      )}
    </Layout>
  );
}

const fmtTime = (ms: number) => new Date(ms).toISOString().slice(11, 23);

function describe(o: OrderView): string {
  switch (o.status) {
    case 'pending_payment':
      return 'We are waiting for your payment.';
    case 'payment_failed':
      return `The payment did not go through${o.failure_reason ? ` (${o.failure_reason})` : ''}. You can try again.`;
    case 'paid':
      return 'Paid, thank you. Our warehouse has your order.';
    case 'fulfilled':
      return 'Your dress is on its way.';
    case 'delivered':
      return 'Delivered. Enjoy it.';
    case 'fulfilment_failed':
      return `We could not ship this order${o.failure_reason ? ` (${o.failure_reason})` : ''}. We will refund you.`;
    default:
      return '';
  }
}

export function OrderPage(props: {
  order: OrderView;
  events: OrderEvent[];
  returned: boolean;
  canceled: boolean;
  error?: string;
}) {
  const o = props.order;
  const payable = o.status === 'pending_payment' || o.status === 'payment_failed';
  return (
    <Layout title={`Order ${o.id}`}>
      <p class="muted" style="margin:0">
        Order {o.id}
      </p>
      <h1>
        <span id="status" data-testid="order-status" data-status={o.status} class={`status ${o.status}`}>
          {STATUS_TEXT[o.status] ?? o.status}
        </span>
      </h1>
      <p id="status-text">{describe(o)}</p>
      {props.returned && payable ? (
        <div class="notice" id="returned">
          Back from the payment page. The shop marks the order paid when the payment provider tells it (a
          webhook), not because your browser came back: this page updates by itself.
        </div>
      ) : null}
      {props.canceled && payable ? <div class="notice">Payment canceled. Your order is kept.</div> : null}
      {props.error ? <div class="notice bad">{props.error}</div> : null}
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
          <form
            id="pay-form"
            method="post"
            action={`/orders/${o.id}/pay`}
            style={payable ? '' : 'display:none'}
          >
            <p>
              <button type="submit" data-testid="pay">
                {o.status === 'payment_failed' ? 'Try the payment again' : 'Pay now'}
              </button>
            </p>
          </form>
          <h2>Timeline</h2>
          <ol class="timeline" id="timeline">
            {props.events.map((e) => (
              <li>
                <time>{fmtTime(e.at)}</time>
                {e.type}
                <span class="muted"> · {e.source}</span>
              </li>
            ))}
          </ol>
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
              {o.shipment?.carrier ?? '—'}
            </dd>
            <dt>Tracking</dt>
            <dd id="tracking" data-testid="tracking-number">
              {o.shipment?.tracking_number ?? '—'}
            </dd>
            <dt>Parcel</dt>
            <dd id="tracking-status">
              {o.shipment?.tracking_status ?? '—'}
              {o.shipment?.location ? ` · ${o.shipment.location}` : ''}
            </dd>
            <dt>Label</dt>
            <dd id="label">{o.shipment?.label_url ? <a href={o.shipment.label_url}>label</a> : '—'}</dd>
            <dt>Confirmed by</dt>
            <dd>{o.confirmation}</dd>
          </dl>
          <p class="live" id="live">
            live
          </p>
        </div>
      </div>
      <script>{raw(orderPageScript(o.id))}</script>
    </Layout>
  );
}

/** The order page's only script: an EventSource on the order's SSE stream that updates the page in place. */
function orderPageScript(orderId: string): string {
  return `
(function () {
  var TEXT = ${JSON.stringify(STATUS_TEXT)};
  var $ = function (id) { return document.getElementById(id); };
  var es = new EventSource('/api/orders/${orderId}/events');
  es.addEventListener('order', function (msg) {
    var d = JSON.parse(msg.data), o = d.order;
    var s = $('status');
    s.textContent = TEXT[o.status] || o.status; s.className = 'status ' + o.status; s.setAttribute('data-status', o.status);
    var describe = {
      pending_payment: 'We are waiting for your payment.',
      payment_failed: 'The payment did not go through' + (o.failure_reason ? ' (' + o.failure_reason + ')' : '') + '. You can try again.',
      paid: 'Paid, thank you. Our warehouse has your order.',
      fulfilled: 'Your dress is on its way.',
      delivered: 'Delivered. Enjoy it.',
      fulfilment_failed: 'We could not ship this order' + (o.failure_reason ? ' (' + o.failure_reason + ')' : '') + '. We will refund you.'
    };
    $('status-text').textContent = describe[o.status] || '';
    var payable = o.status === 'pending_payment' || o.status === 'payment_failed';
    $('pay-form').style.display = payable ? '' : 'none';
    if (!payable && $('returned')) $('returned').style.display = 'none';
    var sh = o.shipment || {};
    $('carrier').textContent = sh.carrier || '—';
    $('tracking').textContent = sh.tracking_number || '—';
    $('tracking-status').textContent = (sh.tracking_status || '—') + (sh.location ? ' · ' + sh.location : '');
    if (sh.label_url) { var a = document.createElement('a'); a.href = sh.label_url; a.textContent = 'label'; $('label').replaceChildren(a); }
    if (d.type !== 'snapshot') {
      var li = document.createElement('li'), t = document.createElement('time');
      t.textContent = new Date().toISOString().slice(11, 23); li.appendChild(t); li.appendChild(document.createTextNode(d.type));
      $('timeline').appendChild(li);
    }
  });
  es.onerror = function () { $('live').textContent = 'reconnecting…'; };
  es.onopen = function () { $('live').textContent = 'live'; };
})();`;
}

export function OrdersPage(props: { orders: OrderView[] }) {
  return (
    <Layout title="Orders">
      <h1>Orders</h1>
      <table>
        <thead>
          <tr>
            <th>Order</th>
            <th>Status</th>
            <th>Customer</th>
            <th>Total</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {props.orders.map((o) => (
            <tr>
              <td>
                <a href={`/orders/${o.id}`}>{o.id}</a>
              </td>
              <td>
                <span class={`status ${o.status}`}>{STATUS_TEXT[o.status] ?? o.status}</span>
              </td>
              <td>{o.customer.name}</td>
              <td>{formatMoney(o.amount_total, o.currency)}</td>
              <td>{o.created_at.replace('T', ' ').slice(0, 19)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}

export function ManifestsPage(props: { manifests: Manifest[] }) {
  return (
    <Layout title="Manifests">
      <h1>End-of-day manifests</h1>
      <p class="muted">
        Logistics sends only a reference (URL, size, sha256); the shop downloads the file and checks it. A
        refused URL or a digest that does not match is recorded, never trusted.
      </p>
      <table data-testid="manifests">
        <thead>
          <tr>
            <th>Manifest</th>
            <th>Date</th>
            <th>Result</th>
            <th>Size (announced / got)</th>
            <th>sha256</th>
            <th>Detail</th>
          </tr>
        </thead>
        <tbody>
          {props.manifests.map((m) => (
            <tr>
              <td>{m.id}</td>
              <td>{m.date ?? '—'}</td>
              <td>
                <span class={`status ${m.status}`}>{m.status}</span>
              </td>
              <td>
                {m.expectedSize ?? '?'} / {m.actualSize ?? '—'}
              </td>
              <td class="sku">{m.expectedSha256?.slice(0, 16)}…</td>
              <td>{m.detail ?? (m.status === 'ok' ? 'size and digest match' : '')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}
