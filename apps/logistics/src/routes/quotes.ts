import { ApiError, formatTraceparent } from '@hooklab/service';
import { Hono } from 'hono';
import type { LogisticsContext } from '../context.ts';
import type { Quote } from '../db/schema.ts';
import { createQuote, findQuote, quoteReadyAt } from '../domain/quotes.ts';
import { type AuthEnv, requireApiKey } from '../http/auth.ts';
import { apiIdempotency } from '../http/idempotency.ts';
import { jobIdParams, jobStatusQuery, jsonBody, quoteCreateSchema } from '../http/input.ts';
import { quoteStatusJson } from '../http/representations.ts';

/** `/v1/quotes`: freight quotes, a job of a few seconds behind the 202/Location/Retry-After/303 contract (S05). */
export function quoteRoutes(ctx: LogisticsContext) {
  const app = new Hono<AuthEnv>();
  app.use('*', requireApiKey(ctx.sqlite), apiIdempotency(ctx));
  const readyAt = (q: Quote) => quoteReadyAt(ctx, q);
  const retryAfter = (q: Quote) =>
    String(Math.max(1, Math.ceil(((readyAt(q) ?? 0) - ctx.clock.now()) / 1000)));

  return app
    .post('/', async (c) => {
      const merchant = c.get('merchant');
      const body = await jsonBody(c, quoteCreateSchema);
      if (body.callback_url) await ctx.guard.assert(body.callback_url, 'callback_url');
      const quote = createQuote(ctx, {
        merchantId: merchant.id,
        originPostalCode: body.origin_postal_code,
        destinationPostalCode: body.destination_postal_code,
        destinationCountry: body.destination_country,
        weightGrams: body.weight_grams,
        callbackUrl: body.callback_url ?? null,
        traceparent: formatTraceparent(c.get('trace')),
      });
      c.header('location', `/v1/quotes/${quote.id}`);
      c.header('retry-after', retryAfter(quote));
      return c.json(quoteStatusJson(quote, readyAt(quote)), 202);
    })
    .get('/:id', (c) => {
      const q = findQuote(ctx, c.get('merchant').id, jobIdParams.parse(c.req.param()).id);
      if (q.status === 'completed' && jobStatusQuery.parse(c.req.query()).view !== 'status') {
        c.header('location', `/v1/quotes/${q.id}/result`);
        return c.json({ id: q.id, status: q.status, result_url: `/v1/quotes/${q.id}/result` }, 303);
      }
      if (q.status === 'pending') c.header('retry-after', retryAfter(q));
      return c.json(quoteStatusJson(q, readyAt(q)), 200);
    })
    .get('/:id/result', (c) => {
      const q = findQuote(ctx, c.get('merchant').id, jobIdParams.parse(c.req.param()).id);
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
