import { ApiError, type ServiceEnv } from '@hooklab/service';
import { and, eq, sql } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cartItems, products } from '../db/schema.ts';
import { listProducts, maxOrderable, productById, productBySlug } from '../domain/catalog.ts';
import { startCheckout } from '../domain/checkout.ts';
import { assertAvailable, outOfStock } from '../domain/stock.ts';
import { listManifests } from '../logistics/manifests.ts';
import type { ShopServices } from '../shop.ts';
import { OrderLive, OrderPage, orderFlagsOf } from '../views/order-page.tsx';
import {
  type CartLine,
  CartPage,
  CatalogPage,
  ManifestsPage,
  OrdersPage,
  ProductPage,
} from '../views/pages.tsx';
import { STYLES } from '../views/styles.ts';
import { ensureSession, orderFor, sessionOf, viewerOf } from './access.ts';
import { orderInputSchema, resolveOrderInput } from './api.ts';
import { streamOrder } from './order-stream.ts';

const formLimit = bodyLimit({
  maxSize: 16 * 1024,
  onError: () => {
    throw new ApiError({ status: 413, code: 'payload_too_large', message: 'Form too large' });
  },
});

function field(form: Record<string, unknown>, name: string): string {
  const v = form[name];
  return typeof v === 'string' ? v.trim() : '';
}

/** The customer-facing pages: browse, product, bag, checkout, order page (live), and the manifests admin page. */
export function storefrontRoutes(s: ShopServices) {
  const web = new Hono<ServiceEnv>();

  // The bag cookie is also the customer's session: the orders placed from this browser.
  const cartId = (c: Context, create: boolean): string | undefined =>
    create ? ensureSession(c, s) : sessionOf(c, s);
  const cartLines = (id: string | undefined): CartLine[] => {
    if (!id) return [];
    return s.db
      .select({ product: products, quantity: cartItems.quantity })
      .from(cartItems)
      .innerJoin(products, eq(products.id, cartItems.productId))
      .where(eq(cartItems.cartId, id))
      .all();
  };
  const cartCount = (c: Context) => cartLines(cartId(c, false)).reduce((n, l) => n + l.quantity, 0);

  web.get('/assets/atelier.css', (c) =>
    c.body(STYLES, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'max-age=300' }),
  );

  web.get('/', (c) => c.html(<CatalogPage products={listProducts(s.db)} cartCount={cartCount(c)} />));

  web.get('/dresses/:slug', (c) => {
    const product = productBySlug(s.db, c.req.param('slug'));
    if (!product)
      throw new ApiError({ status: 404, code: 'not_found', message: 'We have no dress at this address.' });
    return c.html(<ProductPage product={product} cartCount={cartCount(c)} />);
  });

  web.get('/cart', (c) =>
    c.html(
      <CartPage
        lines={cartLines(cartId(c, false))}
        currency={s.config.SHOP_CURRENCY}
        defaultMode={s.config.SHOP_PAYMENT_CONFIRMATION}
      />,
    ),
  );

  web.post('/cart/items', formLimit, async (c) => {
    const form = await c.req.parseBody();
    const product = productById(s.db, field(form, 'product_id'));
    const quantity = Number(field(form, 'quantity') || '1');
    if (!product || !Number.isInteger(quantity) || quantity < 1 || quantity > 20) {
      throw new ApiError({ status: 400, code: 'invalid_request', message: 'Unknown dress or quantity' });
    }
    const most = maxOrderable(product);
    if (most === 0) throw outOfStock(product, 0);
    const id = cartId(c, true)!;
    // The bag never holds more of a dress than one order may take, or than is left.
    s.db
      .insert(cartItems)
      .values({ cartId: id, productId: product.id, quantity: Math.min(quantity, most) })
      .onConflictDoUpdate({
        target: [cartItems.cartId, cartItems.productId],
        set: { quantity: sql`min(${cartItems.quantity} + ${quantity}, ${most})` },
      })
      .run();
    return c.redirect('/cart', 303);
  });

  web.post('/cart/remove', formLimit, async (c) => {
    const form = await c.req.parseBody();
    const id = cartId(c, false);
    if (id)
      s.db
        .delete(cartItems)
        .where(and(eq(cartItems.cartId, id), eq(cartItems.productId, field(form, 'product_id'))))
        .run();
    return c.redirect('/cart', 303);
  });

  const payOrRedirect = async (c: Context, order: ReturnType<typeof orderFor>) => {
    try {
      const { checkout_url } = await startCheckout(s, order);
      return c.redirect(checkout_url, 303);
    } catch (err) {
      s.logger?.warn(
        { order: order.id, err: err instanceof Error ? err.message : String(err) },
        'checkout failed',
      );
      const why = err instanceof ApiError && err.code === 'out_of_stock' ? 'stock' : 'payments';
      return c.redirect(`/orders/${order.id}?error=${why}`, 303);
    }
  };

  web.post('/checkout', formLimit, async (c) => {
    const form = await c.req.parseBody();
    const id = cartId(c, false);
    const lines = cartLines(id);
    const page = (error: string, status: 400 | 409 | 502 | 503) =>
      c.html(
        <CartPage
          lines={lines}
          currency={s.config.SHOP_CURRENCY}
          defaultMode={s.config.SHOP_PAYMENT_CONFIRMATION}
          error={error}
        />,
        status,
      );
    if (!lines.length) return c.redirect('/cart', 303);
    const parsed = orderInputSchema.safeParse({
      items: lines.map((l) => ({ product_id: l.product.id, quantity: l.quantity })),
      customer: { name: field(form, 'name'), email: field(form, 'email') },
      ship_to: {
        name: field(form, 'name'),
        line1: field(form, 'line1'),
        city: field(form, 'city'),
        postal_code: field(form, 'postal_code'),
        country: field(form, 'country').toUpperCase(),
      },
      confirmation: field(form, 'confirmation') || undefined,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return page(`Please check ${issue?.path.join('.') ?? 'the form'}: ${issue?.message ?? 'invalid'}`, 400);
    }
    let input: ReturnType<typeof resolveOrderInput>;
    try {
      input = resolveOrderInput(s, parsed.data, s.config.SHOP_PAYMENT_CONFIRMATION);
      assertAvailable(s.db, input.lines);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return page(err.message, err.status === 409 ? 409 : 400);
    }
    const order = s.orders.create({ ...input, sessionId: id });
    s.confirmations.ensure(order.id, order.confirmation);
    s.db.delete(cartItems).where(eq(cartItems.cartId, id!)).run();
    return payOrRedirect(c, order);
  });

  web.get('/orders', (c) => {
    const viewer = viewerOf(c, s);
    const orders =
      viewer.admin || viewer.sessionId
        ? s.orders.list({ limit: 50, sessionId: viewer.admin ? undefined : viewer.sessionId }).data
        : [];
    return c.html(<OrdersPage orders={orders} backOffice={viewer.admin} />);
  });

  web.get('/orders/:id', (c) => {
    const order = orderFor(c, s, c.req.param('id'));
    return c.html(
      <OrderPage
        order={order}
        events={s.orders.events(order.id)}
        flags={orderFlagsOf((n) => c.req.query(n))}
        pollIntervalMs={s.config.SHOP_POLL_INTERVAL_MS}
      />,
    );
  });

  // The order page's live region, re-rendered by the page's own component after every change.
  web.get('/orders/:id/live', (c) => {
    const order = orderFor(c, s, c.req.param('id'));
    const flags = orderFlagsOf((n) => c.req.query(n));
    const render = async (current: typeof order) => ({
      event: 'order',
      data: JSON.stringify({
        status: current.status,
        html: await (
          <OrderLive
            order={current}
            events={s.orders.events(current.id)}
            flags={flags}
            pollIntervalMs={s.config.SHOP_POLL_INTERVAL_MS}
          />
        ).toString(),
      }),
    });
    return streamOrder(c, s, order.id, {
      after: 0,
      snapshot: render,
      change: (ch) => render(ch.order),
    });
  });

  web.post('/orders/:id/pay', async (c) => {
    const order = orderFor(c, s, c.req.param('id'));
    if (order.status !== 'pending_payment' && order.status !== 'payment_failed')
      return c.redirect(`/orders/${order.id}`, 303);
    return payOrRedirect(c, order);
  });

  web.get('/admin/manifests', (c) => c.html(<ManifestsPage manifests={listManifests(s.db)} />));

  return web;
}
