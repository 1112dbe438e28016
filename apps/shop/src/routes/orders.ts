import { ApiError, type RouteDoc, type ServiceEnv } from '@hooklab/service';
import { Hono } from 'hono';
import { z } from 'zod';
import type { ShopContext } from '../context.ts';
import { startCheckout, startPaymentIntent } from '../domain/checkout.ts';
import { orderInputSchema, resolveOrderInput } from '../domain/order-input.ts';
import { isFinal, ORDER_STATUSES } from '../domain/order-status.ts';
import { assertAvailable } from '../domain/stock.ts';
import { ensureSession, orderFor, viewerOf } from '../http/auth.ts';
import { jsonBodyLimit, readJson } from '../http/json-body.ts';
import { ORDER_SECURITY, orderSchema, problem } from '../http/openapi.ts';
import { streamOrder } from '../http/order-stream.ts';

export const listOrdersQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: z.string().max(100).optional().describe('An order id: the page after it.'),
  status: z.enum(ORDER_STATUSES).optional(),
});

export const orderIdParams = z.object({ id: z.string().max(100).describe('The order id, `ord_…`.') });

export const orderEventsQuery = z.object({
  after: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Replay the changes after this event id (as `Last-Event-ID` does on a reconnect).'),
  close_when_final: z.enum(['0', '1']).optional().describe('`1`: end the stream once the order is final.'),
});

export const orderEventsHeaders = z.object({
  'last-event-id': z.coerce.number().int().min(0).optional().describe('Sent by EventSource on a reconnect.'),
});

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
    const q = listOrdersQuery.parse(c.req.query());
    const page = s.orders.list({
      limit: q.limit,
      startingAfter: q.starting_after,
      status: q.status,
      sessionId: viewer.admin ? undefined : viewer.sessionId,
    });
    return c.json({ object: 'list', data: page.data, has_more: page.hasMore });
  });

  api.get('/orders/:id', (c) => c.json(orderFor(c, s, orderIdParams.parse(c.req.param()).id)));

  api.post('/orders/:id/checkout', async (c) => {
    const order = orderFor(c, s, orderIdParams.parse(c.req.param()).id);
    return c.json(await startCheckout(s, order), 201);
  });

  api.post('/orders/:id/payment_intent', async (c) => {
    const order = orderFor(c, s, orderIdParams.parse(c.req.param()).id);
    return c.json(await startPaymentIntent(s, order), 201);
  });

  api.get('/orders/:id/history', (c) => {
    const order = orderFor(c, s, orderIdParams.parse(c.req.param()).id);
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
    const order = orderFor(c, s, orderIdParams.parse(c.req.param()).id);
    const q = orderEventsQuery.parse(c.req.query());
    const after = orderEventsHeaders.parse(c.req.header())['last-event-id'] ?? q.after ?? 0;
    const closeWhenFinal = q.close_when_final === '1';
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

const list = (item: z.ZodType) => z.object({ object: z.literal('list'), data: z.array(item) });
const unseen = problem('No such order, or not one this caller may see (an order id alone reveals nothing).');

/** The API docs of these routes, with the schemas the handlers above validate with. */
export const orderRouteDocs: RouteDoc[] = [
  {
    method: 'POST',
    path: '/api/orders',
    summary: 'Place an order',
    description:
      'Checks the items (stock, at most 5 of a dress) and the address as logistics will. Sets the bag cookie, whose session may then read the order. Pay it next with `/checkout` or `/payment_intent`.',
    tags: ['Orders'],
    security: [],
    body: { schema: orderInputSchema },
    responses: {
      201: { description: 'The order, `pending_payment`; `Location` names it.', schema: orderSchema },
      400: problem('A field is missing or invalid (each issue listed), or too many of one dress.'),
      409: problem('A dress is sold out.'),
      413: problem('The body is over 64 KiB.'),
      415: problem('The body is not `application/json`.'),
      422: problem('An unknown product.'),
    },
  },
  {
    method: 'GET',
    path: '/api/orders',
    summary: 'List orders',
    description: 'The back office sees every order, a customer session its own. Newest first.',
    tags: ['Orders'],
    security: ORDER_SECURITY,
    query: listOrdersQuery,
    responses: {
      200: {
        description: 'A page of orders.',
        schema: z.object({ object: z.literal('list'), data: z.array(orderSchema), has_more: z.boolean() }),
      },
      400: problem('A query parameter is invalid.'),
      401: problem('Neither the back-office key nor a customer session.'),
    },
  },
  {
    method: 'GET',
    path: '/api/orders/:id',
    summary: 'Get an order',
    tags: ['Orders'],
    security: ORDER_SECURITY,
    params: orderIdParams,
    responses: { 200: { description: 'The order.', schema: orderSchema }, 404: unseen },
  },
  {
    method: 'POST',
    path: '/api/orders/:id/checkout',
    summary: 'Pay through Stripe Checkout',
    description:
      "Creates a Checkout Session through the official SDK (or answers the order's open one) and holds the dresses.",
    tags: ['Payment'],
    security: ORDER_SECURITY,
    params: orderIdParams,
    responses: {
      201: {
        description: 'Where to send the customer.',
        schema: z.object({ checkout_url: z.string(), session_id: z.string() }),
      },
      404: unseen,
      409: problem('The order is not awaiting payment, or a dress sold out meanwhile.'),
      502: problem('Payments refused the request.'),
      503: problem('Payments cannot be reached; try again shortly.'),
    },
  },
  {
    method: 'POST',
    path: '/api/orders/:id/payment_intent',
    summary: 'Pay with a PaymentIntent',
    description: 'For clients that confirm the payment themselves with `client_secret` (S02).',
    tags: ['Payment'],
    security: ORDER_SECURITY,
    params: orderIdParams,
    responses: {
      201: {
        description: 'The PaymentIntent to confirm.',
        schema: z.object({
          payment_intent_id: z.string(),
          client_secret: z.string().nullable(),
          status: z.string(),
        }),
      },
      404: unseen,
      409: problem('The order is not awaiting payment, or a dress sold out meanwhile.'),
      502: problem('Payments refused the request.'),
      503: problem('Payments cannot be reached; try again shortly.'),
    },
  },
  {
    method: 'GET',
    path: '/api/orders/:id/history',
    summary: "An order's history",
    description: 'Every change, with what caused it (`stripe:evt_…`, `logistics:msg_…`, `poller`).',
    tags: ['Orders'],
    security: ORDER_SECURITY,
    params: orderIdParams,
    responses: {
      200: {
        description: 'The changes, oldest first.',
        schema: list(
          z.object({
            type: z.string(),
            from_status: z.string().nullable(),
            to_status: z.string().nullable(),
            source: z.string(),
            at: z.iso.datetime(),
          }),
        ),
      },
      404: unseen,
    },
  },
  {
    method: 'GET',
    path: '/api/orders/:id/events',
    summary: "Follow an order's changes (Server-Sent Events)",
    description:
      'A `snapshot` event first, then one `order` event per change: `data` is `{"type", "order"}`. Each event has an `id`; a reconnect resumes after `Last-Event-ID`.',
    tags: ['Orders'],
    security: ORDER_SECURITY,
    params: orderIdParams,
    query: orderEventsQuery,
    headers: orderEventsHeaders,
    responses: {
      200: { description: 'The event stream.', contentType: 'text/event-stream' },
      400: problem('`after` or `Last-Event-ID` is not an event id.'),
      404: unseen,
    },
  },
];
