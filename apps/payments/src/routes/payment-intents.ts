import { Hono } from 'hono';
import { z } from 'zod';
import type { PaymentsContext } from '../context.ts';
import { invalid } from '../domain/errors.ts';
import {
  CANCELLATION_REASONS,
  cancelPaymentIntent,
  capturePaymentIntent,
  confirmPaymentIntent,
  createPaymentIntent,
  loadPaymentIntent,
  PI_TYPE,
  updatePaymentIntent,
} from '../domain/payment-intents.ts';
import { listObject } from '../domain/store.ts';
import type { PaymentsEnv } from '../http/env.ts';
import { expandObject } from '../http/expand.ts';
import { listOf, metadataOut, type StripeRoute, stripeObject } from '../http/openapi.ts';
import { bool, currency, expand, int, list, listParams, metadata, parseParams, str } from '../http/params.ts';
import { sameSecret } from '../http/secret-compare.ts';

const captureMethod = z.enum(['automatic', 'automatic_async', 'manual'], {
  error: 'Invalid capture_method: must be one of automatic, automatic_async or manual',
});

// Amounts are read up to twelve digits so that Stripe's own limit answers amount_too_large.
const amount = () => int(0, 999_999_999_999);
const offSession = () =>
  z
    .union([bool(), z.enum(['one_off', 'recurring'])], {
      error: 'Invalid off_session: must be true, false, one_off or recurring',
    })
    .transform((v) => v !== false);

const createSchema = z.strictObject({
  amount: amount(),
  currency: currency(),
  confirm: bool().optional(),
  payment_method: str(255).optional(),
  capture_method: captureMethod.optional(),
  metadata: metadata().optional(),
  description: str(1000).optional(),
  receipt_email: str(800).optional(),
  payment_method_types: list(str(100)).optional(),
  return_url: str(2048).optional(),
  off_session: offSession().optional(),
  automatic_payment_methods: z
    .strictObject({ enabled: bool(), allow_redirects: z.enum(['always', 'never']).optional() })
    .optional(),
  expand: expand(),
});

const updateSchema = z.strictObject({
  amount: amount().optional(),
  currency: currency().optional(),
  payment_method: str(255).optional(),
  capture_method: captureMethod.optional(),
  metadata: metadata().optional(),
  description: str(1000).optional(),
  receipt_email: str(800).optional(),
  expand: expand(),
});

const confirmSchema = z.strictObject({
  payment_method: str(255).optional(),
  return_url: str(2048).optional(),
  off_session: offSession().optional(),
  receipt_email: str(800).optional(),
  expand: expand(),
});
const captureSchema = z.strictObject({ amount_to_capture: int(1).optional(), expand: expand() });
const cancelSchema = z.strictObject({
  cancellation_reason: z.enum(CANCELLATION_REASONS, { error: 'Invalid cancellation_reason' }).optional(),
  expand: expand(),
});
const retrieveSchema = z.strictObject({ client_secret: str(500).optional(), expand: expand() });
const listSchema = z.strictObject({ ...listParams, customer: str(255).optional() });

const paymentIntent = stripeObject('payment_intent', {
  amount: z.number().int(),
  amount_capturable: z.number().int(),
  amount_received: z.number().int(),
  currency: z.string(),
  status: z.enum([
    'requires_payment_method',
    'requires_confirmation',
    'requires_action',
    'processing',
    'requires_capture',
    'canceled',
    'succeeded',
  ]),
  capture_method: z.enum(['automatic', 'automatic_async', 'manual']),
  client_secret: z.string(),
  created: z.number().int(),
  latest_charge: z
    .union([z.string(), z.looseObject({}), z.null()])
    .describe('A `ch_` id, or the Charge with `expand[]=latest_charge`.'),
  metadata: metadataOut(),
  next_action: z.looseObject({}).nullable().describe('`redirect_to_url` to the 3-D Secure page.'),
  payment_method: z.string().nullable(),
});

/** The routes below, for the API docs: each with the schema its handler validates with. */
export const paymentIntentRouteDocs: StripeRoute[] = [
  {
    method: 'POST',
    path: '/',
    summary: 'Create a PaymentIntent',
    description:
      'With `confirm=true` and a test `payment_method` (`pm_card_visa`, `pm_card_chargeDeclined`…) it is charged at once.',
    params: createSchema,
    returns: paymentIntent,
    errors: [402],
  },
  {
    method: 'GET',
    path: '/',
    summary: 'List PaymentIntents',
    params: listSchema,
    returns: listOf(paymentIntent),
    returnsDescription: 'A page of PaymentIntents, newest first.',
  },
  {
    method: 'GET',
    path: '/:id',
    summary: 'Retrieve a PaymentIntent',
    description: 'A publishable key may read it with its `client_secret`.',
    params: retrieveSchema,
    returns: paymentIntent,
  },
  {
    method: 'POST',
    path: '/:id',
    summary: 'Update a PaymentIntent',
    description: 'Amount, currency and method only before it is confirmed; `metadata` always.',
    params: updateSchema,
    returns: paymentIntent,
  },
  {
    method: 'POST',
    path: '/:id/confirm',
    summary: 'Confirm a PaymentIntent',
    description:
      'Charges its payment method: `succeeded`, `requires_capture`, `requires_action` (3-D Secure), `processing` (bank debit) or a 402.',
    params: confirmSchema,
    returns: paymentIntent,
    errors: [402],
  },
  {
    method: 'POST',
    path: '/:id/capture',
    summary: 'Capture a PaymentIntent',
    description:
      'Of a `requires_capture` PaymentIntent (`capture_method=manual`), all or `amount_to_capture`.',
    params: captureSchema,
    returns: paymentIntent,
  },
  {
    method: 'POST',
    path: '/:id/cancel',
    summary: 'Cancel a PaymentIntent',
    params: cancelSchema,
    returns: paymentIntent,
  },
];

/** `/v1/payment_intents`: create, retrieve, update, confirm, capture, cancel, list. */
export function paymentIntentRoutes(d: PaymentsContext) {
  const pathId = (raw: string) => raw;
  return new Hono<PaymentsEnv>()
    .post('/', (c) => {
      const {
        expand: paths,
        automatic_payment_methods: _apm,
        ...p
      } = parseParams(createSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      return c.json(expandObject(d, acct, createPaymentIntent(d, acct, c.get('meta'), p), paths));
    })
    .get('/', (c) => {
      const p = parseParams(listSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      if (p.customer) return c.json(listObject('/v1/payment_intents', { data: [], hasMore: false }));
      return c.json(
        expandObject(
          d,
          acct,
          listObject('/v1/payment_intents', d.store.list(acct, PI_TYPE, p, 'payment_intent')),
          p.expand,
        ),
      );
    })
    .get('/:id', (c) => {
      const p = parseParams(retrieveSchema, c.get('params'));
      const key = c.get('apiKey');
      const pi = loadPaymentIntent(d, key.accountId, pathId(c.req.param('id')));
      if (key.kind === 'publishable' && !sameSecret(p.client_secret, pi.client_secret)) {
        throw invalid(
          'The client_secret provided does not match the client_secret associated with the PaymentIntent.',
          'client_secret',
          'payment_intent_invalid_parameter',
        );
      }
      return c.json(expandObject(d, key.accountId, pi, p.expand));
    })
    .post('/:id', (c) => {
      const { expand: paths, ...p } = parseParams(updateSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      return c.json(
        expandObject(
          d,
          acct,
          updatePaymentIntent(d, acct, c.get('meta'), pathId(c.req.param('id')), p),
          paths,
        ),
      );
    })
    .post('/:id/confirm', (c) => {
      const { expand: paths, ...p } = parseParams(confirmSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      return c.json(
        expandObject(
          d,
          acct,
          confirmPaymentIntent(d, acct, c.get('meta'), pathId(c.req.param('id')), p),
          paths,
        ),
      );
    })
    .post('/:id/capture', (c) => {
      const { expand: paths, ...p } = parseParams(captureSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      return c.json(
        expandObject(
          d,
          acct,
          capturePaymentIntent(d, acct, c.get('meta'), pathId(c.req.param('id')), p),
          paths,
        ),
      );
    })
    .post('/:id/cancel', (c) => {
      const { expand: paths, ...p } = parseParams(cancelSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      return c.json(
        expandObject(
          d,
          acct,
          cancelPaymentIntent(d, acct, c.get('meta'), pathId(c.req.param('id')), p),
          paths,
        ),
      );
    });
}
