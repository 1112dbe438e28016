import { Hono } from 'hono';
import { z } from 'zod';
import type { PaymentsContext } from '../context.ts';
import { invalid } from '../domain/errors.ts';
import { listObject } from '../domain/store.ts';
import type { PaymentsEnv } from '../http/env.ts';
import { listOf, type StripeRoute, stripeObject } from '../http/openapi.ts';
import { expand, list, listParams, parseParams, str } from '../http/params.ts';
import { loadEvent, resendEvent, type StripeEvent } from '../webhooks/out/events.ts';

const listSchema = z.strictObject({
  ...listParams,
  type: str(200).optional(),
  types: list(str(200)).max(20).optional(),
});
const retrieveSchema = z.strictObject({ expand: expand() });
const retrySchema = z.strictObject({ webhook_endpoint: str(255).optional() });

const event = stripeObject('event', {
  type: z.string().describe('`payment_intent.succeeded`, `checkout.session.completed`…'),
  api_version: z.string(),
  created: z.number().int(),
  livemode: z.literal(false),
  pending_webhooks: z.number().int(),
  data: z.object({ object: z.looseObject({}), previous_attributes: z.looseObject({}).optional() }),
  request: z.object({ id: z.string().nullable(), idempotency_key: z.string().nullable() }),
});

export const eventRouteDocs: StripeRoute[] = [
  {
    method: 'GET',
    path: '/',
    summary: 'List events',
    description: '`type` or `types[]`, with wildcards such as `payment_intent.*`.',
    params: listSchema,
    returns: listOf(event),
    returnsDescription: 'A page of events, newest first.',
  },
  { method: 'GET', path: '/:id', summary: 'Retrieve an event', params: retrieveSchema, returns: event },
  {
    method: 'POST',
    path: '/:id/retry',
    summary: 'Send an event again (Hooklab)',
    description:
      'Not in Stripe’s API (its dashboard has a Resend button): queues the event again for every subscribed endpoint, or only `webhook_endpoint`.',
    params: retrySchema,
    returns: event,
  },
];

/** `/v1/events`: every change, newest first; `type` filters (with `*` wildcards like `payment_intent.*`). */
export function eventRoutes(d: PaymentsContext) {
  return new Hono<PaymentsEnv>()
    .get('/', (c) => {
      const p = parseParams(listSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      if (p.type && p.types)
        throw invalid('You may only specify one of these parameters: type, types.', 'types');
      const types = p.types ?? (p.type ? [p.type] : undefined);
      if (!types || (types.length === 1 && !types[0]!.includes('*'))) {
        return c.json(listObject('/v1/events', d.store.list(acct, 'event', { ...p, tag: types?.[0] })));
      }
      // Several types or wildcards: filter while paging (events are few per account in a local stand-in).
      const limit = p.limit ?? 10;
      const matches = (t: string) =>
        types.some((want) => want === t || (want.endsWith('*') && t.startsWith(want.slice(0, -1))));
      const out: StripeEvent[] = [];
      let cursor = { starting_after: p.starting_after, ending_before: p.ending_before };
      let more = true;
      while (out.length <= limit && more) {
        const page = d.store.list<StripeEvent>(acct, 'event', { ...cursor, created: p.created, limit: 100 });
        for (const e of page.data) if (matches(e.type)) out.push(e);
        more = page.hasMore;
        const last = page.data.at(cursor.ending_before ? 0 : -1);
        if (!last) break;
        cursor = cursor.ending_before
          ? { starting_after: undefined, ending_before: last.id }
          : { starting_after: last.id, ending_before: undefined };
      }
      const data = p.ending_before ? out.slice(-limit) : out.slice(0, limit);
      return c.json(listObject('/v1/events', { data, hasMore: out.length > limit }));
    })
    .get('/:id', (c) => {
      parseParams(retrieveSchema, c.get('params'));
      return c.json(loadEvent(d, c.get('apiKey').accountId, c.req.param('id')));
    })
    .post('/:id/retry', (c) => {
      const p = parseParams(retrySchema, c.get('params'));
      return c.json(resendEvent(d, c.get('apiKey').accountId, c.req.param('id'), p.webhook_endpoint));
    });
}
