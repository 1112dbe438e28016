import { Hono } from 'hono';
import { z } from 'zod';
import type { PaymentsContext } from '../context.ts';
import { missing } from '../domain/errors.ts';
import type { Charge } from '../domain/payment-intents.ts';
import { listObject } from '../domain/store.ts';
import type { PaymentsEnv } from '../http/env.ts';
import { expandObject } from '../http/expand.ts';
import { listOf, type StripeRoute, stripeObject } from '../http/openapi.ts';
import { expand, listParams, parseParams, str } from '../http/params.ts';

const retrieveSchema = z.strictObject({ expand: expand() });
const chargeListSchema = z.strictObject({ ...listParams, payment_intent: str(255).optional() });

const charge = stripeObject('charge', {
  amount: z.number().int(),
  amount_captured: z.number().int(),
  amount_refunded: z.number().int(),
  captured: z.boolean(),
  currency: z.string(),
  status: z.enum(['succeeded', 'pending', 'failed']),
  paid: z.boolean(),
  refunded: z.boolean(),
  payment_intent: z.union([z.string(), z.looseObject({})]),
});

export const chargeRouteDocs: StripeRoute[] = [
  {
    method: 'GET',
    path: '/',
    summary: 'List charges',
    description: '`payment_intent` lists one PaymentIntent’s charges.',
    params: chargeListSchema,
    returns: listOf(charge),
    returnsDescription: 'A page of charges, newest first.',
  },
  { method: 'GET', path: '/:id', summary: 'Retrieve a charge', params: retrieveSchema, returns: charge },
];

/** `/v1/charges`: read-only, as charges come from PaymentIntents. */
export function chargeRoutes(d: PaymentsContext) {
  return new Hono<PaymentsEnv>()
    .get('/', (c) => {
      const p = parseParams(chargeListSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      return c.json(
        expandObject(
          d,
          acct,
          listObject('/v1/charges', d.store.list(acct, 'charge', { ...p, ref: p.payment_intent })),
          p.expand,
        ),
      );
    })
    .get('/:id', (c) => {
      const p = parseParams(retrieveSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      const ch = d.store.get<Charge>(acct, c.req.param('id'), 'charge');
      if (!ch) throw missing('charge', c.req.param('id'));
      return c.json(expandObject(d, acct, ch, p.expand));
    });
}
