import { ApiError, newId, type ServiceEnv } from '@hooklab/service';
import { and, eq, sql } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie } from 'hono/cookie';
import { cartItems, carts, products } from '../db/schema.ts';
import { listProducts, productById, productBySlug } from '../domain/catalog.ts';
import { startCheckout } from '../domain/checkout.ts';
import { listManifests } from '../logistics/manifests.ts';
import type { ShopServices } from '../shop.ts';
import {
  type CartLine,
  CartPage,
  CatalogPage,
  ManifestsPage,
  OrderPage,
  OrdersPage,
  ProductPage,
} from '../views/pages.tsx';
import { STYLES } from '../views/styles.ts';
import { orderInputSchema, resolveOrderInput } from './api.ts';

const CART_COOKIE = 'atelier_cart';

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

  const cartId = (c: Context, create: boolean): string | undefined => {
    const id = getCookie(c, CART_COOKIE);
    if (id && s.db.select().from(carts).where(eq(carts.id, id)).get()) return id;
    if (!create) return undefined;
    const fresh = newId('cart');
    s.db.insert(carts).values({ id: fresh, createdAt: s.now() }).run();
    setCookie(c, CART_COOKIE, fresh, { httpOnly: true, sameSite: 'Lax', path: '/', maxAge: 30 * 24 * 3600 });
    return fresh;
  };
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
    const id = cartId(c, true)!;
    s.db
      .insert(cartItems)
      .values({ cartId: id, productId: product.id, quantity })
      .onConflictDoUpdate({
        target: [cartItems.cartId, cartItems.productId],
        set: { quantity: sql`min(${cartItems.quantity} + ${quantity}, 20)` },
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

  web.post('/checkout', formLimit, async (c) => {
    const form = await c.req.parseBody();
    const id = cartId(c, false);
    const lines = cartLines(id);
    const page = (error: string, status: 400 | 502 | 503) =>
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
    const order = s.orders.create(resolveOrderInput(s, parsed.data, s.config.SHOP_PAYMENT_CONFIRMATION));
    s.confirmations.ensure(order.id, order.confirmation);
    s.db.delete(cartItems).where(eq(cartItems.cartId, id!)).run();
    try {
      const { checkout_url } = await startCheckout(s, order);
      return c.redirect(checkout_url, 303);
    } catch (err) {
      s.logger?.warn(
        { order: order.id, err: err instanceof Error ? err.message : String(err) },
        'checkout failed',
      );
      return c.redirect(`/orders/${order.id}?error=payments`, 303);
    }
  });

  web.get('/orders', (c) => c.html(<OrdersPage orders={s.orders.list({ limit: 50 }).data} />));

  web.get('/orders/:id', (c) => {
    const order = s.orders.get(c.req.param('id'));
    if (!order) throw new ApiError({ status: 404, code: 'not_found', message: 'No such order' });
    const error =
      c.req.query('error') === 'payments'
        ? 'The payment provider could not be reached. Your order is kept; try again.'
        : undefined;
    return c.html(
      <OrderPage
        order={order}
        events={s.orders.events(order.id)}
        returned={Boolean(c.req.query('session_id'))}
        canceled={c.req.query('canceled') === '1'}
        error={error}
      />,
    );
  });

  web.post('/orders/:id/pay', async (c) => {
    const order = s.orders.get(c.req.param('id'));
    if (!order) throw new ApiError({ status: 404, code: 'not_found', message: 'No such order' });
    if (order.status !== 'pending_payment' && order.status !== 'payment_failed')
      return c.redirect(`/orders/${order.id}`, 303);
    try {
      const { checkout_url } = await startCheckout(s, order);
      return c.redirect(checkout_url, 303);
    } catch {
      return c.redirect(`/orders/${order.id}?error=payments`, 303);
    }
  });

  web.get('/admin/manifests', (c) => c.html(<ManifestsPage manifests={listManifests(s.db)} />));

  return web;
}
