import type { Child } from 'hono/jsx';
import type { Manifest, Product } from '../db/schema.ts';
import type { CartLine } from '../domain/cart.ts';
import { availabilityOf, formatMoney, maxOrderable } from '../domain/catalog.ts';
import type { OrderView } from '../domain/orders.ts';
import { statusText } from './order-text.ts';

/** "Only 2 left" / "Sold out" / nothing, for a dress. */
function StockBadge(props: { product: Product }) {
  const a = availabilityOf(props.product);
  if (a === 'sold_out')
    return (
      <p class="stock sold-out" data-testid="stock">
        Sold out
      </p>
    );
  if (a === 'low_stock')
    return (
      <p class="stock low" data-testid="stock">
        Only {props.product.stock} left
      </p>
    );
  return null;
}

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
            <StockBadge product={p} />
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
          <StockBadge product={p} />
          {maxOrderable(p) > 0 ? (
            <form method="post" action="/cart/items">
              <input type="hidden" name="product_id" value={p.id} />
              <label for="quantity">Quantity</label>
              <select id="quantity" name="quantity" style="width:6rem">
                {Array.from({ length: maxOrderable(p) }, (_, i) => (
                  <option value={String(i + 1)}>{i + 1}</option>
                ))}
              </select>
              <p>
                <button type="submit" data-testid="add-to-bag">
                  Add to bag
                </button>
              </p>
            </form>
          ) : null}
        </div>
      </div>
    </Layout>
  );
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
                    <td>
                      {l.product.name}
                      {l.product.stock != null && l.product.stock < l.quantity ? (
                        <span class="stock low">
                          {' '}
                          {l.product.stock > 0 ? `only ${l.product.stock} left` : 'sold out'}
                        </span>
                      ) : null}
                    </td>
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

export function OrdersPage(props: { orders: OrderView[]; backOffice: boolean }) {
  return (
    <Layout title="Orders">
      <h1>{props.backOffice ? 'All orders' : 'Your orders'}</h1>
      {props.orders.length === 0 ? <p class="muted">No orders from this browser yet.</p> : null}
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
                <span class={`status ${o.status}`}>{statusText(o)}</span>
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
