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
