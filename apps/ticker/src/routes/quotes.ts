import { createHash } from 'node:crypto';
import { errors } from '@hooklab/service';
import { Hono } from 'hono';
import { z } from 'zod';
import type { TickerContext } from '../context.ts';
import { etagOf, matchesIfNoneMatch, quoteView } from '../domain/market.ts';

const historyQuery = z.strictObject({
  after_seq: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

/**
 * The polling API: `GET /quotes`, `GET /quotes/:symbol` (with `ETag`; `If-None-Match` → 304, so an unchanged
 * price costs a poller a header exchange, not a body) and `GET /quotes/:symbol/history?after_seq=`.
 */
export function quoteRoutes(ctx: TickerContext) {
  return new Hono()
    .get('/', (c) => {
      const all = ctx.market.all();
      const etag = `"${createHash('sha1')
        .update(all.map((q) => `${q.symbol}:${q.seq}`).join(','))
        .digest('base64url')}"`;
      c.header('ETag', etag);
      c.header('Cache-Control', 'no-cache');
      if (matchesIfNoneMatch(c.req.header('if-none-match'), etag)) return c.body(null, 304);
      return c.json({ object: 'list', data: all.map(quoteView) });
    })
    .get('/:symbol', (c) => {
      const q = ctx.market.quote(c.req.param('symbol'));
      if (!q) throw errors.notFound(`Symbol ${c.req.param('symbol').slice(0, 20)}`);
      const etag = etagOf(q);
      c.header('ETag', etag);
      c.header('Cache-Control', 'no-cache');
      if (matchesIfNoneMatch(c.req.header('if-none-match'), etag)) return c.body(null, 304);
      return c.json(quoteView(q));
    })
    .get('/:symbol/history', (c) => {
      const q = ctx.market.quote(c.req.param('symbol'));
      if (!q) throw errors.notFound(`Symbol ${c.req.param('symbol').slice(0, 20)}`);
      const parsed = historyQuery.safeParse(c.req.query());
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw errors.badRequest(
          `${issue.path.join('.') || 'query'}: ${issue.message}`,
          String(issue.path[0] ?? ''),
        );
      }
      const { after_seq, limit } = parsed.data;
      const data = ctx.market.changes(q.symbol, after_seq);
      return c.json({
        object: 'list',
        symbol: q.symbol,
        data: data.slice(0, limit),
        has_more: data.length > limit,
      });
    });
}
