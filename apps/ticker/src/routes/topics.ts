import { errors } from '@hooklab/service';
import { Hono } from 'hono';
import { type TickerContext, topicUrl } from '../context.ts';
import { etagOf, matchesIfNoneMatch, quoteView, RECENT_IN_TOPIC } from '../domain/market.ts';

/** The `Link` header WebSub discovery reads first: the hub, and the topic's own URL as `rel="self"`. */
export function discoveryLinks(ctx: TickerContext, symbol: string): string {
  return `<${ctx.hubUrl}>; rel="hub", <${topicUrl(ctx, symbol)}>; rel="self"`;
}

/**
 * `GET /topics/:symbol`: one WebSub topic per symbol, JSON, advertising its hub. The hub fetches it on each
 * publish ping and distributes it as is, so it carries the last changes too (a snapshot may fold several).
 */
export function topicRoutes(ctx: TickerContext) {
  return new Hono().get('/:symbol', (c) => {
    const q = ctx.market.quote(c.req.param('symbol'));
    if (!q) throw errors.notFound(`Topic ${c.req.param('symbol').slice(0, 20)}`);
    const etag = etagOf(q);
    c.header('Link', discoveryLinks(ctx, q.symbol));
    c.header('ETag', etag);
    c.header('Cache-Control', 'no-cache');
    if (matchesIfNoneMatch(c.req.header('if-none-match'), etag)) return c.body(null, 304);
    return c.json({
      ...quoteView(q),
      topic: topicUrl(ctx, q.symbol),
      recent: ctx.market.changes(q.symbol, 0, RECENT_IN_TOPIC),
    });
  });
}
