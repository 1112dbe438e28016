// Exercise 02's guiding checks: a PaymentIntent that stays `processing` for a while, watched both ways.
import { type Checks, ensure, same } from '../kit/check.ts';
import type * as Impl from './solution/status-watch.ts';

/** A PaymentIntent that answers `processing` `n` times, then `final`; counts the asks. */
function payment(n: number, final = 'succeeded') {
  let asks = 0;
  return {
    get asks() {
      return asks;
    },
    getStatus: async () => (++asks > n ? final : 'processing'),
  };
}

function sleeper() {
  const slept: number[] = [];
  return { slept, sleep: async (ms: number) => void slept.push(ms) };
}

const event = (id = 'evt_1') => ({ id, type: 'payment_intent.succeeded', data: { object: { id: 'pi_1' } } });
const post = (body: string) =>
  new Request('http://shop.test/webhooks', {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  });

export const suite: Checks<typeof Impl> = {
  checks: [
    {
      name: 'polls until the status is final',
      async run(impl) {
        const pi = payment(3);
        const { sleep } = sleeper();
        const r = await impl.pollUntilFinal(pi.getStatus, { intervalMs: 100, maxPolls: 10, sleep });
        ensure(
          r.status !== 'processing',
          `your poller returned after ${r.polls} poll(s) while the PaymentIntent was still 'processing': it is not done yet. Ask again until the status is one of ${impl.FINAL_STATUSES.join(', ')}`,
        );
        same(
          r,
          { status: 'succeeded', polls: 4, gaveUp: false },
          'three `processing` answers, then `succeeded`: 4 polls',
        );
      },
    },
    {
      name: 'waits intervalMs between two polls (and not after the last)',
      async run(impl) {
        const { slept, sleep } = sleeper();
        await impl.pollUntilFinal(payment(3).getStatus, { intervalMs: 100, maxPolls: 10, sleep });
        same(
          slept,
          [100, 100, 100],
          'a poller that does not wait hammers the API (and gets rate limited): call opts.sleep(intervalMs) between polls',
        );
      },
    },
    {
      name: 'gives up after maxPolls',
      async run(impl) {
        const pi = payment(1000);
        const { sleep } = sleeper();
        const r = await impl.pollUntilFinal(pi.getStatus, { intervalMs: 100, maxPolls: 5, sleep });
        same(pi.asks, 5, 'maxPolls is a promise to the API: never ask more than that');
        same(r, { status: 'processing', polls: 5, gaveUp: true }, 'say that you gave up (gaveUp: true)');
      },
    },
    {
      name: 'the receiver hands a POSTed event on and answers 200',
      async run(impl) {
        const got: unknown[] = [];
        const handle = impl.webhookReceiver((e) => got.push(e));
        const res = await handle(post(JSON.stringify(event())));
        same(
          res.status,
          200,
          'a webhook sender counts any 2xx as delivered and anything else as a failure to retry',
        );
        same(got, [event()], 'onEvent gets the parsed event, once');
      },
    },
    {
      name: 'the receiver refuses what is not an event',
      async run(impl) {
        const got: unknown[] = [];
        const handle = impl.webhookReceiver((e) => got.push(e));
        same(
          (await handle(post('{not json'))).status,
          400,
          'a body that is not JSON is a 400 (the sender made a mistake)',
        );
        same(
          (await handle(post('{"hello":1}'))).status,
          400,
          'JSON without id and type is not an event: 400',
        );
        const get = await handle(new Request('http://shop.test/webhooks'));
        same(get.status, 405, 'a webhook endpoint takes POST only: 405 for a GET');
        same(got, [], 'nothing refused reaches onEvent');
      },
    },
    {
      name: 'the counters: polls against webhook deliveries for one payment',
      async run(impl) {
        const pi = payment(9);
        const { sleep } = sleeper();
        await impl.pollUntilFinal(pi.getStatus, { intervalMs: 2000, maxPolls: 30, sleep });
        const got: unknown[] = [];
        await impl.webhookReceiver((e) => got.push(e))(post(JSON.stringify(event())));
        ensure(
          pi.asks === 10 && got.length === 1,
          `one fact, learnt by ${pi.asks} requests of polling and ${got.length} webhook delivery (expected 10 and 1)`,
        );
      },
    },
  ],
};
