import { ApiError, formatTraceparent } from '@hooklab/service';
import { and, desc, eq, lt } from 'drizzle-orm';
import { Hono } from 'hono';
import type { LogisticsContext } from '../context.ts';
import { type Merchant, shipments } from '../db/schema.ts';
import { TERMINAL } from '../domain/pipeline.ts';
import { cancelShipment, createShipment, findShipment } from '../domain/shipments.ts';
import { type AuthEnv, requireApiKey } from '../http/auth.ts';
import { apiIdempotency } from '../http/idempotency.ts';
import {
  jobIdParams,
  jobStatusQuery,
  jsonBody,
  listShipmentsQuery,
  shipmentCreateSchema,
} from '../http/input.ts';
import { shipmentJson } from '../http/representations.ts';

/** `/v1/shipments`: the asynchronous request–reply contract (202, Location, Retry-After, 303). */
export function shipmentRoutes(ctx: LogisticsContext) {
  const { db } = ctx;
  const app = new Hono<AuthEnv>();
  app.use('*', requireApiKey(ctx.sqlite), apiIdempotency(ctx));

  const load = (merchant: Merchant, id: string) => findShipment(ctx, merchant.id, id);

  return app
    .post('/', async (c) => {
      const merchant = c.get('merchant');
      const body = await jsonBody(c, shipmentCreateSchema);
      if (body.notify_secret && !body.notify_url) {
        throw new ApiError({
          status: 400,
          code: 'invalid_request',
          message: 'notify_secret needs a notify_url',
          param: 'notify_secret',
        });
      }
      if (body.callback_url) await ctx.guard.assert(body.callback_url, 'callback_url');
      if (body.notify_url) await ctx.guard.assert(body.notify_url, 'notify_url');
      const { notify_url, notify_secret, ...order } = body;
      const { shipment } = createShipment(ctx, {
        merchant,
        source: 'api',
        order,
        notifyUrl: notify_url,
        notifySecret: notify_secret,
        traceparent: formatTraceparent(c.get('trace')),
      });
      c.header('location', `/v1/shipments/${shipment.id}`);
      c.header('retry-after', '1');
      return c.json(shipmentJson(shipment), 202);
    })
    .get('/', (c) => {
      const q = listShipmentsQuery.parse(c.req.query());
      const merchant = c.get('merchant');
      const conditions = [eq(shipments.merchantId, merchant.id)];
      if (q.order_id) conditions.push(eq(shipments.orderId, q.order_id));
      if (q.starting_after) {
        const cursor = db
          .select({ createdAt: shipments.createdAt })
          .from(shipments)
          .where(and(eq(shipments.id, q.starting_after), eq(shipments.merchantId, merchant.id)))
          .get();
        if (!cursor)
          throw new ApiError({
            status: 400,
            code: 'invalid_cursor',
            message: 'starting_after is not one of your shipments',
            param: 'starting_after',
          });
        conditions.push(lt(shipments.createdAt, cursor.createdAt));
      }
      const rows = db
        .select()
        .from(shipments)
        .where(and(...conditions))
        .orderBy(desc(shipments.createdAt), desc(shipments.id))
        .limit(q.limit + 1)
        .all();
      return c.json({
        object: 'list',
        url: '/v1/shipments',
        has_more: rows.length > q.limit,
        data: rows.slice(0, q.limit).map(shipmentJson),
      });
    })
    .get('/:id', (c) => {
      const s = load(c.get('merchant'), jobIdParams.parse(c.req.param()).id);
      if (TERMINAL.has(s.status) && jobStatusQuery.parse(c.req.query()).view !== 'status') {
        c.header('location', `/v1/shipments/${s.id}/result`);
        return c.json({ id: s.id, status: s.status, result_url: `/v1/shipments/${s.id}/result` }, 303);
      }
      if (!TERMINAL.has(s.status)) c.header('retry-after', '1');
      return c.json(shipmentJson(s), 200);
    })
    .get('/:id/result', (c) => {
      const s = load(c.get('merchant'), jobIdParams.parse(c.req.param()).id);
      if (!TERMINAL.has(s.status)) {
        throw new ApiError({
          status: 409,
          code: 'job_not_finished',
          message: `Shipment ${s.id} is still ${s.status}; poll its status URL`,
          extra: { status_url: `/v1/shipments/${s.id}` },
          headers: { 'retry-after': '1' },
        });
      }
      return c.json(shipmentJson(s), 200);
    })
    .delete('/:id', (c) =>
      c.json(
        shipmentJson(cancelShipment(ctx, c.get('merchant').id, jobIdParams.parse(c.req.param()).id)),
        200,
      ),
    );
}
