import { Hono } from 'hono';
import { z } from 'zod';
import type { PaymentsContext } from '../context.ts';
import {
  createCheckoutSession,
  expireCheckoutSession,
  loadSession,
  SESSION_TYPE,
} from '../domain/checkout.ts';
import { listObject } from '../domain/store.ts';
import type { PaymentsEnv } from '../http/env.ts';
import { expandObject } from '../http/expand.ts';
import { listOf, metadataOut, type StripeRoute, stripeObject } from '../http/openapi.ts';
import {
  currency,
  expand,
  int,
  list,
  listParams,
  metadata,
  pageParams,
  parseParams,
  str,
} from '../http/params.ts';

const url = () =>
  str(2048).refine((u) => /^https?:\/\//i.test(u), 'Invalid URL: must start with http:// or https://');

const lineItem = z.strictObject({
  quantity: int(1, 999_999),
  price: str(255).optional(),
  price_data: z
    .strictObject({
      currency: currency(),
      unit_amount: int(0),
      product: str(255).optional(),
      product_data: z
        .strictObject({
          name: str(250).min(1, 'Missing required param'),
          description: str(1000).optional(),
          metadata: metadata().optional(),
        })
        .optional(),
    })
    .optional(),
});

const createSchema = z.strictObject({
  mode: z.enum(['payment'], { error: 'Invalid mode: only `payment` is supported here' }),
  line_items: list(lineItem).min(1, 'You must provide at least one line item').max(100),
  success_url: url().optional(),
  cancel_url: url().optional(),
  metadata: metadata().optional(),
  client_reference_id: str(200).optional(),
  customer_email: z.email({ error: 'Invalid email address' }).optional(),
  expires_at: int(0, 9_999_999_999).optional(),
  payment_method_types: list(str(100)).optional(),
  payment_intent_data: z
    .strictObject({
      metadata: metadata().optional(),
      description: str(1000).optional(),
      capture_method: z.enum(['automatic', 'automatic_async', 'manual']).optional(),
    })
    .optional(),
  expand: expand(),
});
const retrieveSchema = z.strictObject({ expand: expand() });
const listSchema = z.strictObject({
  ...listParams,
  payment_intent: str(255).optional(),
  status: z.enum(['open', 'complete', 'expired']).optional(),
});

const lineItemsSchema = z.strictObject({ ...pageParams });

const session = stripeObject('checkout.session', {
  status: z.enum(['open', 'complete', 'expired']),
  payment_status: z.enum(['paid', 'unpaid']),
  payment_intent: z.union([z.string(), z.looseObject({})]),
  url: z.string().nullable().describe('The hosted payment page, `GET /pay/{id}`; null once closed.'),
  success_url: z.string().nullable(),
  cancel_url: z.string().nullable(),
  amount_total: z.number().int(),
  currency: z.string(),
  expires_at: z.number().int(),
  metadata: metadataOut(),
});
const lineItemOut = stripeObject('item', {
  amount_total: z.number().int(),
  currency: z.string(),
  quantity: z.number().int(),
  price: z.looseObject({ id: z.string(), object: z.literal('price') }),
});

export const checkoutSessionRouteDocs: StripeRoute[] = [
  {
    method: 'POST',
    path: '/',
    summary: 'Create a Checkout Session',
    description:
      '`mode=payment` with `line_items[i][price]` (a Price) or `line_items[i][price_data]`; creates its PaymentIntent. Send the customer to `url`.',
    params: createSchema,
    returns: session,
  },
  {
    method: 'GET',
    path: '/',
    summary: 'List Checkout Sessions',
    params: listSchema,
    returns: listOf(session),
    returnsDescription: 'A page of sessions, newest first.',
  },
  {
    method: 'GET',
    path: '/:id',
    summary: 'Retrieve a Checkout Session',
    params: retrieveSchema,
    returns: session,
  },
  {
    method: 'GET',
    path: '/:id/line_items',
    summary: 'List a Checkout Session’s line items',
    params: lineItemsSchema,
    returns: listOf(lineItemOut),
    returnsDescription: 'A page of line items, in order.',
  },
  {
    method: 'POST',
    path: '/:id/expire',
    summary: 'Expire a Checkout Session',
    description: 'Only an `open` session; its PaymentIntent is canceled.',
    params: retrieveSchema,
    returns: session,
  },
];

/** `/v1/checkout/sessions`: hosted payment pages backed by a PaymentIntent. */
export function checkoutSessionRoutes(d: PaymentsContext) {
  return new Hono<PaymentsEnv>()
    .post('/', (c) => {
      const { expand: paths, ...p } = parseParams(createSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      return c.json(expandObject(d, acct, createCheckoutSession(d, acct, c.get('meta'), p), paths));
    })
    .get('/', (c) => {
      const p = parseParams(listSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      const page = d.store.list(
        acct,
        SESSION_TYPE,
        { ...p, tag: p.status, ref: p.payment_intent },
        'checkout.session',
      );
      return c.json(expandObject(d, acct, listObject('/v1/checkout/sessions', page), p.expand));
    })
    .get('/:id', (c) => {
      const p = parseParams(retrieveSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      return c.json(expandObject(d, acct, loadSession(d, acct, c.req.param('id')), p.expand));
    })
    .get('/:id/line_items', (c) => {
      const p = parseParams(lineItemsSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      const s = loadSession(d, acct, c.req.param('id'));
      const items = (d.store.rowById(s.id)?.internal.lineItems as { id: string }[] | undefined) ?? [];
      const limit = p.limit ?? 10;
      let start = 0;
      if (p.starting_after) start = items.findIndex((i) => i.id === p.starting_after) + 1;
      const data = items.slice(start, start + limit);
      return c.json({
        object: 'list',
        url: `/v1/checkout/sessions/${s.id}/line_items`,
        has_more: start + limit < items.length,
        data,
      });
    })
    .post('/:id/expire', (c) => {
      const p = parseParams(retrieveSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      return c.json(
        expandObject(d, acct, expireCheckoutSession(d, acct, c.get('meta'), c.req.param('id')), p.expand),
      );
    });
}
