// Exercise 01's guiding checks, against a real payments app started in this process.
import { start } from '../../apps/payments/src/index.ts';
import { type Checks, ensure, same } from '../kit/check.ts';
import type * as Impl from './solution/payments-client.ts';

type Ctx = { api: Impl.Api };
const KEY = 'sk_test_hooklab';

export const suite: Checks<typeof Impl, Ctx> = {
  async setup() {
    const app = await start({
      HOOKLAB_DEV: '1',
      DATA_DIR: ':memory:',
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      PORT: '0',
    });
    return { ctx: { api: { baseUrl: app.url, secretKey: KEY } }, close: () => app.close() };
  },
  checks: [
    {
      name: 'creates a PaymentIntent (POST /v1/payment_intents, form-encoded, Bearer key)',
      async run(impl, { api }) {
        const r = await impl.createPaymentIntent(api, { amount: 2000, currency: 'eur' });
        ensure(r.ok, `creating a PaymentIntent failed: ${JSON.stringify(r)}`);
        ensure(
          r.paymentIntent.id?.startsWith('pi_'),
          'the PaymentIntent you returned has no `pi_…` id: return the parsed body',
        );
        same(
          r.paymentIntent.status,
          'requires_payment_method',
          'a new PaymentIntent waits for a payment method',
        );
      },
    },
    {
      name: 'a wrong secret key is a 401, read from the error body',
      async run(impl, { api }) {
        const r = await impl.createPaymentIntent(
          { ...api, secretKey: 'sk_test_wrong' },
          { amount: 2000, currency: 'eur' },
        );
        ensure(
          !r.ok,
          'with a wrong secret key the API answered 401, but you returned ok: true: check res.ok (or res.status) before reading the body as a PaymentIntent',
        );
        same(r.kind, 'authentication', 'a 401 is an authentication failure: map it to kind "authentication"');
        same(r.status, 401, 'keep the HTTP status in the failure');
        ensure(
          /api key/i.test(r.message),
          `the message should come from the error body (body.error.message), got ${JSON.stringify(r.message)}`,
        );
      },
    },
    {
      name: 'a bad parameter is a 400 invalid_request',
      async run(impl, { api }) {
        const r = await impl.createPaymentIntent(api, { amount: -5, currency: 'eur' });
        ensure(!r.ok, 'amount -5 was refused with a 400, but you returned ok: true');
        same(r.kind, 'invalid_request', 'another 4xx (here 400) is kind "invalid_request"');
      },
    },
    {
      name: 'confirms with a card that succeeds',
      async run(impl, { api }) {
        const created = await impl.createPaymentIntent(api, { amount: 2000, currency: 'eur' });
        ensure(created.ok, 'create failed (see the first check)');
        const r = await impl.confirmPaymentIntent(api, created.paymentIntent.id, 'pm_card_visa');
        ensure(r.ok, `confirming with pm_card_visa should succeed: ${JSON.stringify(r)}`);
        same(
          r.paymentIntent.status,
          'succeeded',
          'after confirming with pm_card_visa the status is succeeded',
        );
      },
    },
    {
      name: 'a declined card is a 402 with code and decline_code',
      async run(impl, { api }) {
        const created = await impl.createPaymentIntent(api, { amount: 2000, currency: 'eur' });
        ensure(created.ok, 'create failed (see the first check)');
        const r = await impl.confirmPaymentIntent(
          api,
          created.paymentIntent.id,
          'pm_card_chargeDeclinedInsufficientFunds',
        );
        ensure(!r.ok, 'the card was declined (402) but you returned ok: true');
        same(r.kind, 'card_declined', 'a 402 means the card was declined: kind "card_declined"');
        same(r.code, 'card_declined', 'body.error.code says what failed');
        same(
          r.declineCode,
          'insufficient_funds',
          'body.error.decline_code says why the bank declined: keep it as declineCode (show it to the buyer)',
        );
      },
    },
    {
      name: 'an unknown PaymentIntent is a 404',
      async run(impl, { api }) {
        const r = await impl.retrievePaymentIntent(api, 'pi_does_not_exist');
        ensure(!r.ok, 'GET of an unknown id answered 404 but you returned ok: true');
        same(r.kind, 'not_found', 'a 404 is kind "not_found"');
        same(r.code, 'resource_missing', 'Stripe names it body.error.code = resource_missing');
      },
    },
  ],
};
