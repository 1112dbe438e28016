import { Hono } from 'hono';
import { z } from 'zod';
import type { PaymentsContext } from '../context.ts';
import { missing } from '../domain/errors.ts';
import { mergeMetadata } from '../domain/payment-intents.ts';
import { createRefund, REFUND_REASONS } from '../domain/refunds.ts';
import { listObject } from '../domain/store.ts';
import type { PaymentsEnv } from '../http/env.ts';
import { expandObject } from '../http/expand.ts';
import { listOf, metadataOut, type StripeRoute, stripeObject } from '../http/openapi.ts';
import { expand, int, listParams, metadata, parseParams, str } from '../http/params.ts';

const retrieveSchema = z.strictObject({ expand: expand() });
const refundCreateSchema = z.strictObject({
  payment_intent: str(255).optional(),
  charge: str(255).optional(),
  amount: int(1).optional(),
  reason: z
    .enum(REFUND_REASONS, {
      error: 'Invalid reason: must be one of duplicate, fraudulent or requested_by_customer',
    })
    .optional(),
  metadata: metadata().optional(),
  expand: expand(),
});
const refundUpdateSchema = z.strictObject({ metadata: metadata().optional(), expand: expand() });
const refundListSchema = z.strictObject({
  ...listParams,
  payment_intent: str(255).optional(),
  charge: str(255).optional(),
});

const refund = stripeObject('refund', {
  amount: z.number().int(),
  currency: z.string(),
  charge: z.union([z.string(), z.looseObject({})]),
  payment_intent: z.union([z.string(), z.looseObject({})]),
  reason: z.string().nullable(),
  status: z.string(),
  metadata: metadataOut(),
});

export const refundRouteDocs: StripeRoute[] = [
  {
    method: 'POST',
    path: '/',
    summary: 'Create a refund',
    description: 'Of a PaymentIntent or a charge: all that is left, or `amount`.',
    params: refundCreateSchema,
    returns: refund,
  },
  {
    method: 'GET',
    path: '/',
    summary: 'List refunds',
    params: refundListSchema,
    returns: listOf(refund),
    returnsDescription: 'A page of refunds, newest first.',
  },
  { method: 'GET', path: '/:id', summary: 'Retrieve a refund', params: retrieveSchema, returns: refund },
  {
    method: 'POST',
    path: '/:id',
    summary: 'Update a refund',
    description: 'Only its `metadata`.',
    params: refundUpdateSchema,
    returns: refund,
  },
];

/** `/v1/refunds`: full or partial refunds of a captured payment. */
export function refundRoutes(d: PaymentsContext) {
  const load = (acct: string, id: string) => {
    const r = d.store.get<{ id: string; object: 'refund'; metadata: Record<string, string> }>(
      acct,
      id,
      'refund',
    );
    if (!r) throw missing('refund', id);
    return r;
  };
  return new Hono<PaymentsEnv>()
    .post('/', (c) => {
      const { expand: paths, ...p } = parseParams(refundCreateSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      return c.json(expandObject(d, acct, createRefund(d, acct, c.get('meta'), p), paths));
    })
    .get('/', (c) => {
      const p = parseParams(refundListSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      return c.json(
        expandObject(
          d,
          acct,
          listObject(
            '/v1/refunds',
            d.store.list(acct, 'refund', { ...p, ref: p.payment_intent, tag: p.charge }),
          ),
          p.expand,
        ),
      );
    })
    .get('/:id', (c) => {
      const p = parseParams(retrieveSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      return c.json(expandObject(d, acct, load(acct, c.req.param('id')), p.expand));
    })
    .post('/:id', (c) => {
      const p = parseParams(refundUpdateSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      const r = load(acct, c.req.param('id'));
      const next = p.metadata ? d.store.update({ ...r, metadata: mergeMetadata(r.metadata, p.metadata) }) : r;
      return c.json(expandObject(d, acct, next, p.expand));
    });
}
