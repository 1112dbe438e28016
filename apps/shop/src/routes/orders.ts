import { ApiError, errors, type ServiceEnv } from '@hooklab/service';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { listProducts, MAX_PER_DRESS, productById, productBySku, productView } from '../domain/catalog.ts';
import { startCheckout, startPaymentIntent } from '../domain/checkout.ts';
import { delayOf, summarize } from '../domain/confirmations.ts';
import { isFinal, ORDER_STATUSES } from '../domain/order-status.ts';
import type { ConfirmationMode, NewOrderInput } from '../domain/orders.ts';
import { assertAvailable, mergeLines } from '../domain/stock.ts';
import type { ShopServices } from '../shop.ts';
import { ensureSession, orderFor, viewerOf } from './access.ts';
import { streamOrder } from './order-stream.ts';

export const MAX_JSON_BYTES = 64 * 1024;

const text = (max: number) => z.string().trim().min(1).max(max);

/** `POST /api/orders` body. */
export const orderInputSchema = z.object({
  items: z
    .array(
      z
        .object({
          product_id: text(100).optional(),
          sku: text(100).optional(),
          quantity: z.number().int().min(1).max(MAX_PER_DRESS),
        })
        .refine((i) => Boolean(i.product_id) !== Boolean(i.sku), {
          message: 'give exactly one of product_id or sku',
        }),
    )
    .min(1)
    .max(20),
  customer: z.object({ name: text(200), email: z.email().max(254) }),
  ship_to: z.object({
    name: text(200),
    line1: text(200),
    city: text(100),
    postal_code: text(20),
    country: z.string().regex(/^[A-Z]{2}$/, 'a two-letter ISO country code'),
  }),
  confirmation: z.enum(['webhook', 'polling']).optional(),
});

export type OrderInput = z.infer<typeof orderInputSchema>;

/** A JSON body within the size limit, or a problem: 415 for another type, 413 when too big, 400 when malformed. */
export const jsonBodyLimit = bodyLimit({
  maxSize: MAX_JSON_BYTES,
  onError: () => {
    throw new ApiError({
      status: 413,
      code: 'payload_too_large',
      message: `The body is larger than ${MAX_JSON_BYTES} bytes`,
    });
  },
});

async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new ApiError({
      status: 415,
      code: 'unsupported_media_type',
      message: 'Send the body as application/json',
    });
  }
  try {
    return await c.req.json();
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw errors.badRequest('The body is not valid JSON', undefined, 'malformed_body');
  }
}

/**
 * Turns validated API input into order lines (one per dress, quantities summed), refusing unknown products
 * with 422 and more than MAX_PER_DRESS of one dress with 400.
 */
export function resolveOrderInput(
  s: ShopServices,
  input: OrderInput,
  fallback: ConfirmationMode,
): NewOrderInput {
  const lines = input.items.map((item, index) => {
    const product = item.product_id ? productById(s.db, item.product_id) : productBySku(s.db, item.sku!);
    if (!product) {
      const param = item.product_id ? `items.${index}.product_id` : `items.${index}.sku`;
      throw new ApiError({
        status: 422,
        code: 'unknown_product',
        message: `No product ${item.product_id ?? item.sku}`,
        param,
      });
    }
    return {
      productId: product.id,
      sku: product.sku,
      name: product.name,
      unitAmountCents: product.amountCents,
      quantity: item.quantity,
    };
  });
  const merged = mergeLines(lines);
  const tooMany = merged.find((l) => l.quantity > MAX_PER_DRESS);
  if (tooMany)
    throw new ApiError({
      status: 400,
      code: 'quantity_limit_exceeded',
      message: `At most ${MAX_PER_DRESS} × ${tooMany.name} per order (asked for ${tooMany.quantity})`,
      param: 'items',
    });
  return {
    lines: merged,
    currency: s.config.SHOP_CURRENCY,
    customer: input.customer,
    shipTo: input.ship_to,
    confirmation: input.confirmation ?? fallback,
  };
}

/** The shop's own JSON API (problem+json errors): orders, checkout, live order events, S02 metrics. */
export function apiRoutes(s: ShopServices) {
  const api = new Hono<ServiceEnv>();

  api.get('/status', (c) => {
    const hook = s.stripeWebhookStatus?.() ?? {
      ready: s.stripeWebhookSecrets().length > 0,
      mode: 'fixed_secret',
    };
    return c.json({
      service: 'shop',
      payment_confirmation_default: s.config.SHOP_PAYMENT_CONFIRMATION,
      poll_interval_ms: s.config.SHOP_POLL_INTERVAL_MS,
      stripe_webhook: {
        ready: hook.ready,
        mode: hook.mode,
        endpoint_id: hook.endpointId ?? null,
        url: `${s.config.shopUrl}/webhooks/stripe`,
      },
    });
  });

  api.get('/products', (c) => c.json({ object: 'list', data: listProducts(s.db).map(productView) }));

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

  api.get('/metrics/confirmation', (c) => {
    const ids = c.req.query('order_ids')?.split(',').filter(Boolean);
    const rows = s.confirmations.list().filter((r) => !ids || ids.includes(r.orderId));
    return c.json({
      object: 'confirmation_metrics',
      interval_ms: s.config.SHOP_POLL_INTERVAL_MS,
      ...summarize(rows),
      orders: rows.map((r) => ({
        order_id: r.orderId,
        mode: r.mode,
        payment_intent_id: r.paymentIntentId,
        requests_made: r.requests,
        requests_nothing_new: r.requestsNothingNew,
        deliveries_received: r.deliveries,
        change_after: r.changeAfter == null ? null : new Date(r.changeAfter).toISOString(),
        change_before: r.changeBefore == null ? null : new Date(r.changeBefore).toISOString(),
        change_source: r.changeSource,
        known_at: r.knownAt == null ? null : new Date(r.knownAt).toISOString(),
        delay_ms: delayOf(r),
        final_status: r.finalStatus,
      })),
    });
  });

  return api;
}
