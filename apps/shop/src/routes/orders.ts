import { ApiError, type ServiceEnv } from '@hooklab/service';
import { Hono } from 'hono';
import { z } from 'zod';
import type { ShopContext } from '../context.ts';
import { startCheckout, startPaymentIntent } from '../domain/checkout.ts';
import { orderInputSchema, resolveOrderInput } from '../domain/order-input.ts';
import { isFinal, ORDER_STATUSES } from '../domain/order-status.ts';
import { assertAvailable } from '../domain/stock.ts';
import { ensureSession, orderFor, viewerOf } from '../http/auth.ts';
import { jsonBodyLimit, readJson } from '../http/json-body.ts';
import { streamOrder } from '../http/order-stream.ts';

/** `/api/orders…` (problem+json errors): create, read, list, pay (Checkout or PaymentIntent), history, live events. */
export function orderRoutes(s: ShopContext) {
  const api = new Hono<ServiceEnv>();

  api.post('/orders', jsonBodyLimit, async (c) => {
    const input = orderInputSchema.parse(await readJson(c));
    const resolved = resolveOrderInput(s, input, s.config.SHOP_PAYMENT_CONFIRMATION);
    // Refused early when gone; the units are held only when the checkout starts.
    assertAvailable(s.db, resolved.lines);
    const order = s.orders.create({ ...resolved, sessionId: ensureSession(c, s) });
    s.confirmations.ensure(order.id, order.confirmation);
    return c.json(order, 201, { location: `/api/orders/${order.id}` });
  });

  // The back office sees every order; a customer session its own; anyone else nothing.
  api.get('/orders', (c) => {
    const viewer = viewerOf(c, s);
    if (!viewer.admin && !viewer.sessionId)
      throw new ApiError({
        status: 401,
        code: 'unauthorized',
        message: 'Orders are shown to the session that placed them, or with the back-office key',
        headers: { 'www-authenticate': 'Bearer realm="Atelier back office"' },
      });
    const q = z
      .object({
        limit: z.coerce.number().int().min(1).max(100).default(20),
        starting_after: z.string().max(100).optional(),
        status: z.enum(ORDER_STATUSES).optional(),
      })
      .parse(c.req.query());
    const page = s.orders.list({
      limit: q.limit,
      startingAfter: q.starting_after,
      status: q.status,
      sessionId: viewer.admin ? undefined : viewer.sessionId,
    });
    return c.json({ object: 'list', data: page.data, has_more: page.hasMore });
  });

  api.get('/orders/:id', (c) => c.json(orderFor(c, s, c.req.param('id'))));

  api.post('/orders/:id/checkout', async (c) => {
    const order = orderFor(c, s, c.req.param('id'));
    return c.json(await startCheckout(s, order), 201);
  });

  api.post('/orders/:id/payment_intent', async (c) => {
    const order = orderFor(c, s, c.req.param('id'));
    return c.json(await startPaymentIntent(s, order), 201);
  });

  api.get('/orders/:id/history', (c) => {
    const order = orderFor(c, s, c.req.param('id'));
    const data = s.orders.events(order.id).map((e) => ({
      type: e.type,
      from_status: e.fromStatus,
      to_status: e.toStatus,
      source: e.source,
      at: new Date(e.at).toISOString(),
    }));
    return c.json({ object: 'list', data });
  });

  api.get('/orders/:id/events', (c) => {
    const order = orderFor(c, s, c.req.param('id'));
    const after = Number(c.req.header('last-event-id') ?? c.req.query('after') ?? 0);
    const closeWhenFinal = c.req.query('close_when_final') === '1';
    return streamOrder(c, s, order.id, {
      after,
      missed: (e, current) => ({ event: 'order', data: JSON.stringify({ type: e.type, order: current }) }),
      snapshot: (current) => ({ event: 'order', data: JSON.stringify({ type: 'snapshot', order: current }) }),
      change: (ch) => ({ event: 'order', data: JSON.stringify({ type: ch.type, order: ch.order }) }),
      closeAfter: (ch) => closeWhenFinal && isFinal(ch.order.status),
    });
  });

  return api;
}
