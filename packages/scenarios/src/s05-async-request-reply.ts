import { logisticsKeys, startCallbackReceiver } from './logistics-receiver.ts';
import { check, defineScenario, type ScenarioContext, waitFor } from './scenario.ts';

interface QuoteResult {
  quote_id: string;
  amount_cents: number;
  currency: string;
  carrier: string;
  service: string;
  expires_at: string;
}

// No durations here: a scenario checks the contract, never timing. The POST-vs-job figures come from
// the logistics bench (apps/logistics/src/bench.ts); the narration below only tells them.
export interface S05Result {
  polls: number;
  pollStatuses: number[];
  callbackEqualsPolled: boolean;
  result: QuoteResult;
}

const request = { origin_postal_code: '75001', destination_postal_code: '69002', weight_grams: 1800 };

async function postQuote(ctx: ScenarioContext, key: string, body: Record<string, unknown>) {
  const started = performance.now();
  const res = await ctx.fetch(`${ctx.urls.logistics}/v1/quotes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const ms = performance.now() - started;
  check(res.status === 202, `POST /v1/quotes answered ${res.status}`, await res.clone().text());
  const location = res.headers.get('location');
  const retryAfter = Number(res.headers.get('retry-after'));
  check(location?.startsWith('/v1/quotes/'), 'a 202 carries Location: the status URL', location);
  check(Number.isFinite(retryAfter) && retryAfter >= 1, 'a 202 carries Retry-After', retryAfter);
  const { id } = (await res.json()) as { id: string };
  return { id, location: location!, retryAfter, ms };
}

export const s05 = defineScenario<S05Result>({
  id: 'S05',
  title: 'Asynchronous request–reply (202 Accepted)',
  story:
    'A freight quote takes seconds, longer than a connection should stay open. The client POSTs and gets ' +
    '202 Accepted at once, with Location (a status URL) and Retry-After. One client gave a callback URL and is ' +
    'told the result by a signed quote.completed webhook; another gave none and polls the status URL, which ' +
    'answers 200 while running and 303 See Other to the result when done. Both ways give the same result.',
  actors: ['logistics'],
  steps: [
    'Start a callback receiver (verifies Standard Webhooks)',
    'POST /v1/quotes with a callback_url → 202 at once',
    'POST /v1/quotes without one → 202 at once',
    'Poll the status URL, following Retry-After, until 303 → the result',
    'The callback arrives: same result as the status URL',
  ],
  async run(ctx) {
    const keys = logisticsKeys(ctx);
    ctx.step(0);
    const receiver = await startCallbackReceiver({ secret: keys.callbackSecret });
    try {
      ctx.say(`receiver listening on ${receiver.url}`);

      ctx.step(1);
      const withCallback = await postQuote(ctx, keys.key, {
        ...request,
        callback_url: `${receiver.url}/quotes`,
      });
      ctx.say(
        `202 in ${withCallback.ms.toFixed(1)} ms → Location ${withCallback.location}, Retry-After ${withCallback.retryAfter}`,
      );

      ctx.step(2);
      const polling = await postQuote(ctx, keys.key, request);
      ctx.say(
        `202 in ${polling.ms.toFixed(1)} ms → Location ${polling.location}, Retry-After ${polling.retryAfter}`,
      );

      ctx.step(3);
      const started = performance.now();
      const statuses: number[] = [];
      let wait = polling.retryAfter;
      let resultUrl: string | null = null;
      for (let i = 0; i < 60 && !resultUrl; i++) {
        await new Promise((r) => setTimeout(r, wait * 1000));
        const res = await ctx.fetch(`${ctx.urls.logistics}${polling.location}`, {
          headers: { authorization: `Bearer ${keys.key}` },
          redirect: 'manual',
        });
        statuses.push(res.status);
        if (res.status === 303) resultUrl = res.headers.get('location');
        else {
          check(res.status === 200, `status URL answered ${res.status}`);
          const body = (await res.json()) as { status: string };
          wait = Number(res.headers.get('retry-after') ?? 1);
          ctx.say(`poll ${i + 1}: 200 ${body.status}, Retry-After ${wait}`);
        }
      }
      check(resultUrl, 'the status URL ends with 303 See Other', statuses);
      const jobMs = performance.now() - started;
      const polled = (await (
        await ctx.fetch(`${ctx.urls.logistics}${resultUrl}`, {
          headers: { authorization: `Bearer ${keys.key}` },
        })
      ).json()) as QuoteResult;
      ctx.say(
        `poll ${statuses.length}: 303 → ${resultUrl}: ${polled.amount_cents} ${polled.currency} by ${polled.carrier}`,
        polled,
      );

      ctx.step(4);
      const event = await waitFor(() => receiver.events('quote.completed')[0], {
        what: 'quote.completed',
        timeoutMs: 30_000,
      });
      const viaStatus = (await (
        await ctx.fetch(`${ctx.urls.logistics}${withCallback.location}/result`, {
          headers: { authorization: `Bearer ${keys.key}` },
        })
      ).json()) as QuoteResult;
      const same = JSON.stringify(event.data) === JSON.stringify(viaStatus);
      check(same, 'the callback and the status URL give the same result', {
        callback: event.data,
        status: viaStatus,
      });
      const { quote_id: _a, expires_at: _b, ...priceA } = viaStatus;
      const { quote_id: _c, expires_at: _d, ...priceB } = polled;
      check(
        JSON.stringify(priceA) === JSON.stringify(priceB),
        'the same request is priced the same both ways',
        { priceA, priceB },
      );
      ctx.say(
        `quote.completed verified (standardwebhooks): identical to GET ${withCallback.location}/result`,
        event.data,
      );
      ctx.say(
        `POSTs answered in ${withCallback.ms.toFixed(1)} ms and ${polling.ms.toFixed(1)} ms; the job took ~${Math.round(jobMs)} ms`,
      );
      return {
        polls: statuses.length,
        pollStatuses: statuses,
        callbackEqualsPolled: same,
        result: polled,
      };
    } finally {
      await receiver.close();
    }
  },
});
