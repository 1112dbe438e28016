import { ApiError, formatTraceparent, newId } from '@hooklab/service';
import { and, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { type AuthEnv, requireApiKey } from '../auth.ts';
import type { LogisticsContext } from '../context.ts';
import { type Quote, quotes } from '../db/schema.ts';
import { idempotencyKeyOf } from '../idempotency.ts';
import { quoteStatusJson } from '../representations.ts';
import { jsonBody, quoteCreateSchema } from './input.ts';

/** `/v1/quotes`: freight quotes, a job of a few seconds behind the 202/Location/Retry-After/303 contract (S05). */
export function quoteRoutes(ctx: LogisticsContext) {
  const { db, clock, config } = ctx;
  const app = new Hono<AuthEnv>();
  app.use('*', requireApiKey(ctx.sqlite));

  const load = (merchantId: string, id: string): Quote => {
    const q = db
      .select()
      .from(quotes)
      .where(and(eq(quotes.id, id), eq(quotes.merchantId, merchantId)))
      .get();
    if (!q)
      throw new ApiError({ status: 404, code: 'not_found', message: `Quote ${id.slice(0, 64)} not found` });
    return q;
  };
  const readyAt = (q: Quote) => (q.status === 'pending' ? q.createdAt + config.LOGISTICS_QUOTE_MS : null);
  const retryAfter = (q: Quote) => String(Math.max(1, Math.ceil(((readyAt(q) ?? 0) - clock.now()) / 1000)));

  return app
    .post('/', async (c) => {
      const merchant = c.get('merchant');
      const key = idempotencyKeyOf(c.req.header('idempotency-key'));
      const body = await jsonBody(c, quoteCreateSchema);
      if (body.callback_url) await ctx.guard.assert(body.callback_url, 'callback_url');
      const { quote, created } = ctx.sqlite.transaction(() => {
        if (key) {
          const id = ctx.idempotency.find(merchant.id, key, 'POST /v1/quotes', body);
          if (id) return { quote: load(merchant.id, id), created: false };
        }
        const now = clock.now();
        const row: Quote = {
          id: newId('quo'),
          merchantId: merchant.id,
          originPostalCode: body.origin_postal_code,
          destinationPostalCode: body.destination_postal_code,
          destinationCountry: body.destination_country,
          weightGrams: body.weight_grams,
          callbackUrl: body.callback_url ?? null,
          status: 'pending',
          result: null,
          traceparent: formatTraceparent(c.get('trace')),
          createdAt: now,
          completedAt: null,
        };
        db.insert(quotes).values(row).run();
        ctx.runner.schedule('quote', row.id, now + config.LOGISTICS_QUOTE_MS);
        if (key) ctx.idempotency.record(merchant.id, key, 'POST /v1/quotes', body, row.id, now);
        return { quote: row, created: true };
      })();
      if (created) ctx.runner.wake();
      else c.header('idempotent-replayed', 'true');
      c.header('location', `/v1/quotes/${quote.id}`);
      c.header('retry-after', retryAfter(quote));
      return c.json(quoteStatusJson(quote, readyAt(quote)), 202);
    })
    .get('/:id', (c) => {
      const q = load(c.get('merchant').id, c.req.param('id'));
      if (q.status === 'completed' && c.req.query('view') !== 'status') {
        c.header('location', `/v1/quotes/${q.id}/result`);
        return c.json({ id: q.id, status: q.status, result_url: `/v1/quotes/${q.id}/result` }, 303);
      }
      if (q.status === 'pending') c.header('retry-after', retryAfter(q));
      return c.json(quoteStatusJson(q, readyAt(q)), 200);
    })
    .get('/:id/result', (c) => {
      const q = load(c.get('merchant').id, c.req.param('id'));
      if (q.status !== 'completed' || !q.result) {
        throw new ApiError({
          status: 409,
          code: 'job_not_finished',
          message: `Quote ${q.id} is not ready yet; poll its status URL`,
          extra: { status_url: `/v1/quotes/${q.id}` },
          headers: { 'retry-after': retryAfter(q) },
        });
      }
      return c.json(q.result, 200);
    });
}
