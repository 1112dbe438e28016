import { ApiError, type ServiceEnv } from '@hooklab/service';
import { Hono } from 'hono';
import type { ShopContext } from '../context.ts';
import { addToCart, cartLines, emptyCart, removeFromCart } from '../domain/cart.ts';
import { maxOrderable, productById } from '../domain/catalog.ts';
import { orderInputSchema, resolveOrderInput } from '../domain/order-input.ts';
import { assertAvailable, outOfStock } from '../domain/stock.ts';
import { ensureSession, sessionOf } from '../http/auth.ts';
import { payOrRedirect } from '../http/checkout-redirect.ts';
import { field, formLimit } from '../http/form.ts';
import { CartPage } from '../pages/pages.tsx';

/** The bag (its cookie is also the customer's session) and its checkout form. */
export function cartRoutes(s: ShopContext) {
  const web = new Hono<ServiceEnv>();

  web.get('/cart', (c) =>
    c.html(
      <CartPage
        lines={cartLines(s.db, sessionOf(c, s))}
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
    addToCart(s.db, ensureSession(c, s), product.id, quantity, most);
    return c.redirect('/cart', 303);
  });

  web.post('/cart/remove', formLimit, async (c) => {
    const form = await c.req.parseBody();
    const id = sessionOf(c, s);
    if (id) removeFromCart(s.db, id, field(form, 'product_id'));
    return c.redirect('/cart', 303);
  });

  web.post('/checkout', formLimit, async (c) => {
    const form = await c.req.parseBody();
    const id = sessionOf(c, s);
    const lines = cartLines(s.db, id);
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
    if (!id || !lines.length) return c.redirect('/cart', 303);
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
    emptyCart(s.db, id);
    return payOrRedirect(c, s, order);
  });

  return web;
}
