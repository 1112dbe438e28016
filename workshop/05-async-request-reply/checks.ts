// Exercise 05's guiding checks, against a small job API with logistics' contract (apps/logistics quotes).
import { Hono } from 'hono';
import { type Checks, ensure, rejects, resolves, same, show } from '../kit/check.ts';
import type * as Impl from './solution/follow-202.ts';

const RESULT = { quote_id: 'quo_1', amount_cents: 777, currency: 'EUR', carrier: 'colissimo' };

/** A job that is done after `pending` status GETs; the first Retry-After is 2 s, later ones 1 s. */
function jobApi(pending: number, opts: { fail?: boolean } = {}) {
  const seen: string[] = [];
  let polls = 0;
  const app = new Hono();
  app.use(async (c, next) => {
    seen.push(`${c.req.method} ${new URL(c.req.url).pathname}`);
    await next();
  });
  app.post('/v1/quotes', (c) => {
    c.header('location', '/v1/quotes/quo_1');
    c.header('retry-after', '2');
    return c.json({ id: 'quo_1', object: 'quote', status: 'pending' }, 202);
  });
  app.get('/v1/quotes/quo_1', (c) => {
    if (++polls <= pending) {
      c.header('retry-after', '1');
      return c.json({ id: 'quo_1', status: 'pending' });
    }
    if (opts.fail)
      return c.json({ id: 'quo_1', status: 'failed', error: { message: 'no carrier serves 99999' } });
    c.header('location', '/v1/quotes/quo_1/result');
    return c.json({ id: 'quo_1', status: 'completed' }, 303);
  });
  app.get('/v1/quotes/quo_1/result', (c) => c.json(RESULT));
  const slept: number[] = [];
  return {
    seen,
    slept,
    opts: {
      fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
        app.fetch(new Request(input, init))) as typeof fetch,
      sleep: async (ms: number) => void slept.push(ms),
    },
  };
}

const URL_ = 'http://logistics.test/v1/quotes';
const BODY = { origin_postal_code: '75001', destination_postal_code: '69002', weight_grams: 1800 };

export const suite: Checks<typeof Impl> = {
  checks: [
    {
      name: 'a 202 is not the result: follow Location to the status, then the 303 to the result',
      async run(impl) {
        const api = jobApi(2);
        const r = await resolves(
          () => impl.submitAndFollow(URL_, BODY, api.opts),
          'following the job failed',
        );
        ensure(
          (r.result as { status?: string })?.status !== 'pending',
          `you returned the 202's body (${show(r.result)}): a 202 means "accepted, not done". Follow its Location header to the status URL`,
        );
        same(r.result, RESULT, "the result is the body behind the 303's Location");
        same(
          api.seen,
          [
            'POST /v1/quotes',
            'GET /v1/quotes/quo_1',
            'GET /v1/quotes/quo_1',
            'GET /v1/quotes/quo_1',
            'GET /v1/quotes/quo_1/result',
          ],
          'the requests: one POST, the status URL until it answers 303, then the result once',
        );
        same(r.polls, 3, 'polls counts the GETs of the status URL');
      },
    },
    {
      name: 'waits what Retry-After says before each poll',
      async run(impl) {
        const api = jobApi(2);
        const r = await impl.submitAndFollow(URL_, BODY, api.opts);
        same(
          api.slept,
          [2000, 1000, 1000],
          'the server said Retry-After: 2 on the 202, then 1 on each 200: wait that (in ms), not a number of your own',
        );
        same(r.waitedMs, 4000, 'waitedMs is the sum of the waits');
      },
    },
    {
      name: 'a job that failed is an error, with its reason',
      async run(impl) {
        const api = jobApi(0, { fail: true });
        const err = await rejects(
          () => impl.submitAndFollow(URL_, BODY, api.opts),
          'the status said {status: "failed"} and you kept going (or returned): throw, with the job\'s error message',
        );
        ensure(
          String((err as Error)?.message).includes('no carrier serves 99999'),
          `say why the job failed (its error.message), got: ${(err as Error)?.message}`,
        );
      },
    },
    {
      name: 'gives up after maxWaitMs',
      async run(impl) {
        const api = jobApi(1000);
        await rejects(
          () => impl.submitAndFollow(URL_, BODY, { ...api.opts, maxWaitMs: 10_000 }),
          'the job never ended and your client never gave up: stop once the waits would pass maxWaitMs',
        );
        ensure(
          api.slept.reduce((a, b) => a + b, 0) <= 10_000,
          `you waited ${api.slept.reduce((a, b) => a + b, 0)} ms, more than maxWaitMs`,
        );
      },
    },
    {
      name: 'a POST that is not answered 202 is an error',
      async run(impl) {
        const api = jobApi(0);
        await rejects(
          () => impl.submitAndFollow('http://logistics.test/v1/nothing', BODY, api.opts),
          'the POST answered 404 and you carried on: anything but a 202 is an error to report',
        );
      },
    },
  ],
};
