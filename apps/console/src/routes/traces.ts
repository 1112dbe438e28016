import { ApiError, type ServiceEnv } from '@hooklab/service';
import { Hono } from 'hono';
import type { ConsoleContext } from '../context.ts';
import { countHops } from '../domain/counters.ts';
import { harOf, mermaidOf } from '../domain/exports.ts';
import { buildHops, createNamer, type Hop } from '../domain/hops.ts';

const TRACE_ID = /^[0-9a-f]{32}$/;

/** A trace's hops as JSON, HAR 1.2 or a Mermaid sequence diagram; and the counters. */
export function traceRoutes(ctx: ConsoleContext) {
  const nameOf = createNamer(ctx.urls);
  const hopsOf = (traceId: string): Hop[] => {
    if (!TRACE_ID.test(traceId))
      throw new ApiError({
        status: 400,
        code: 'invalid_trace_id',
        message: 'A trace id is 32 lower-case hex digits',
        param: 'trace_id',
      });
    const hops = buildHops(
      ctx.store.allExchanges().filter((e) => e.traceId === traceId),
      nameOf,
    );
    if (!hops.length)
      throw new ApiError({ status: 404, code: 'not_found', message: 'Nothing recorded in this trace' });
    return hops;
  };
  return new Hono<ServiceEnv>()
    .get('/traces/:id', (c) => {
      const hops = hopsOf(c.req.param('id'));
      return c.json({
        trace_id: c.req.param('id'),
        counters: countHops(hops),
        data: hops.map(({ sent, received, ...hop }) => ({
          ...hop,
          recorded_by: [sent?.service, received?.service].filter(Boolean),
        })),
      });
    })
    .get('/traces/:id/har', (c) => {
      const id = c.req.param('id');
      const run = ctx.store.runOfTrace(id);
      c.header(
        'content-disposition',
        `attachment; filename="hooklab-${run ? `${run.scenario}-` : ''}${id.slice(0, 8)}.har"`,
      );
      return c.json(harOf(id, hopsOf(id), run ? `${run.scenario} — ${run.title}` : undefined));
    })
    .get('/traces/:id/mermaid', (c) => {
      const id = c.req.param('id');
      const text = mermaidOf(hopsOf(id));
      c.header('content-disposition', `attachment; filename="hooklab-${id.slice(0, 8)}.mmd"`);
      return c.text(text);
    })
    .get('/counters', (c) => c.json(countHops(buildHops(ctx.store.allExchanges(), nameOf))));
}
