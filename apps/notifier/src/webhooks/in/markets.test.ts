// The WebSub callback: a stand-in ticker (topics with Link headers) and a stand-in hub that records what the
// notifier asks; the test plays the hub's side (verification GETs, signed deliveries) through the app.
import { serve } from '@hooklab/service';
import { signHub } from '@hooklab/webhooks';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../app.ts';
import { notifications } from '../../db/schema.ts';
import { alertsFor, parseAlertThresholds } from '../../domain/markets.ts';
import { startSlackApiRecorder, testContext } from '../../test-support.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function standIns() {
  const requests: URLSearchParams[] = [];
  const waiters: (() => void)[] = [];
  const app = new Hono();
  let base = '';
  app.post('/hub', async (c) => {
    requests.push(new URLSearchParams(await c.req.text()));
    for (const w of waiters.splice(0)) w();
    return c.body(null, 202);
  });
  app.get('/quotes', (c) => c.json({ object: 'list', data: [{ symbol: 'ACME' }] }));
  app.get('/topics/:symbol', (c) => {
    c.header('link', `<${base}/hub>; rel="hub", <${base}/topics/${c.req.param('symbol')}>; rel="self"`);
    return c.json({ symbol: c.req.param('symbol'), price: 100, seq: 1 });
  });
  const server = await serve({ app, port: 0, hostname: '127.0.0.1' });
  base = server.url;
  cleanups.push(() => server.close());
  return {
    url: server.url,
    requests,
    async nextRequest(): Promise<URLSearchParams> {
      const seen = requests.length;
      while (requests.length === seen) await new Promise<void>((r) => waiters.push(r));
      return requests[seen]!;
    },
  };
}

async function setup() {
  const slack = await startSlackApiRecorder();
  const ticker = await standIns();
  const ctx = testContext({
    SLACK_API_URL: slack.apiUrl,
    TICKER_URL: ticker.url,
    NOTIFIER_MARKET_ALERTS: 'ACME:1,*:5',
  });
  ctx.jobs.start();
  cleanups.push(
    () => slack.close(),
    () => ctx.jobs.stop(),
    () => ctx.markets.stop(),
    () => ctx.close(),
  );
  const app = createApp(ctx);
  ctx.markets.start('http://notifier.test/webhooks/markets');
  // The subscribe POST arrives before ensure() resolves: ensure waits for our verification below.
  const subscribing = ticker.nextRequest();
  const ensured = ctx.markets.ensure();
  const form = await subscribing;
  const callback = new URL(form.get('hub.callback')!);
  const topic = form.get('hub.topic')!;
  const secret = form.get('hub.secret')!;
  const verify = await app.request(
    `${callback.pathname}${callback.search}&hub.mode=subscribe&hub.topic=${encodeURIComponent(topic)}&hub.challenge=ch4ll3nge&hub.lease_seconds=600`,
  );
  expect(verify.status).toBe(200);
  expect(await verify.text()).toBe('ch4ll3nge');
  await ensured;
  const deliver = (
    q: { seq: number; price: number; recent?: { seq: number; price: number; at: number }[] },
    key = secret,
  ) => {
    const body = JSON.stringify({
      symbol: 'ACME',
      name: 'Acme Corp',
      currency: 'USD',
      updated_at_ms: Date.now(),
      ...q,
    });
    return app.request(`${callback.pathname}${callback.search}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        link: `<${topic}>; rel="self"`,
        ...signHub({ body, secrets: key, algorithm: 'sha256' }),
      },
      body,
    });
  };
  return { slack, ctx, app, form, topic, callback, deliver };
}

describe('the markets feed (WebSub subscriber on /webhooks/markets)', () => {
  it('discovers the ticker topic from its Link headers and subscribes through the hub with a secret', async () => {
    const { form, ctx, topic } = await setup();
    expect(form.get('hub.mode')).toBe('subscribe');
    expect(topic).toMatch(/\/topics\/ACME$/);
    expect(form.get('hub.secret')!.length).toBeGreaterThanOrEqual(32);
    expect(form.get('hub.lease_seconds')).toBe('3600');
    expect(ctx.markets.subscriptions()).toMatchObject([{ state: 'active', leaseSeconds: 600 }]);
  });

  it('answers a verification only for what it is pending on: 404 for another topic or a replay', async () => {
    const { app, callback, topic } = await setup();
    const other = await app.request(
      `${callback.pathname}${callback.search}&hub.mode=subscribe&hub.topic=${encodeURIComponent(`${topic}X`)}&hub.challenge=x`,
    );
    expect(other.status).toBe(404);
    const replay = await app.request(
      `${callback.pathname}${callback.search}&hub.mode=subscribe&hub.topic=${encodeURIComponent(topic)}&hub.challenge=again`,
    );
    expect(replay.status).toBe(404);
  });

  it('posts an alert into #markets when the price moves past the threshold, once per change', async () => {
    const { deliver, slack, ctx } = await setup();
    // The first delivery sets the reference price; 100.5 is inside 1 %; 101.2 is past it.
    expect((await deliver({ seq: 1, price: 100 })).status).toBe(204);
    expect((await deliver({ seq: 2, price: 100.5 })).status).toBe(204);
    expect((await deliver({ seq: 3, price: 101.2 })).status).toBe(204);
    // A hub retry of the same content: acknowledged, nothing new.
    expect((await deliver({ seq: 3, price: 101.2 })).status).toBe(204);
    const post = await slack.waitFor((c) => c.method === 'chat.postMessage');
    expect(post.args.channel).toBe('#markets');
    expect(post.args.text).toBe('ACME up 1.20 % to 101.20 USD (from 100.00)');
    // The witness for "once": a later move down raises the next alert, and there are exactly two.
    expect((await deliver({ seq: 4, price: 99.9 })).status).toBe(204);
    await slack.until(() => slack.calls.filter((c) => c.method === 'chat.postMessage').length === 2);
    expect(
      ctx.db
        .select()
        .from(notifications)
        .all()
        .map((n) => [n.source, n.eventId]),
    ).toEqual([
      ['hub', 'ACME:3'],
      ['hub', 'ACME:4'],
    ]);
  });

  it('ignores content with a forged X-Hub-Signature (202, WebSub §8) and refuses unsigned content (401)', async () => {
    const { deliver, app, callback, ctx } = await setup();
    await deliver({ seq: 1, price: 100 });
    const forged = await deliver({ seq: 2, price: 150 }, 'not-the-secret');
    expect(forged.status).toBe(202);
    const unsigned = await app.request(`${callback.pathname}${callback.search}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ symbol: 'ACME', seq: 2, price: 150, updated_at_ms: Date.now() }),
    });
    expect(unsigned.status).toBe(401);
    // Neither moved the state: the genuine seq 2 is still news, and raises the alert.
    expect((await deliver({ seq: 2, price: 150 })).status).toBe(204);
    expect(
      ctx.db
        .select()
        .from(notifications)
        .all()
        .map((n) => n.eventId),
    ).toEqual(['ACME:2']);
  });

  it('answers 410 for a subscription it does not have (the hub then deletes it)', async () => {
    const { app } = await setup();
    const res = await app.request('/webhooks/markets?subscription=sub_unknown', {
      method: 'POST',
      body: '{}',
    });
    expect(res.status).toBe(410);
  });
});

describe('the alert rule', () => {
  it('reads per-symbol thresholds with a default', () => {
    const pct = parseAlertThresholds('ACME:0.5, globex:2,*:1');
    expect([pct('ACME'), pct('GLOBEX'), pct('HOOLI')]).toEqual([0.5, 2, 1]);
    expect(parseAlertThresholds('ACME:1')('HOOLI')).toBeUndefined();
  });

  it('raises one alert per move past the threshold from the last alert, over the changes in between', () => {
    const { alerts, state } = alertsFor(
      { ref: 100, lastSeq: 1 },
      [
        { seq: 1, price: 120, at: 1 },
        { seq: 2, price: 101, at: 2 },
        { seq: 3, price: 98.9, at: 3 },
        { seq: 4, price: 99.5, at: 4 },
      ],
      1,
    );
    expect(alerts.map((a) => [a.seq, a.to])).toEqual([
      [2, 101],
      [3, 98.9],
    ]);
    expect(state).toEqual({ ref: 98.9, lastSeq: 4 });
  });
});

describe('the callback for a client that is not a hub', () => {
  it('answers in problem+json when JSON alone is accepted (a hub gets WebSub’s plain text)', async () => {
    const ctx = testContext();
    cleanups.push(() => ctx.close());
    const app = createApp(ctx);
    const json = await app.request('/webhooks/markets?subscription=sub_x', {
      headers: { accept: 'application/json' },
    });
    expect(json.status).toBe(404);
    expect(json.headers.get('content-type')).toContain('application/problem+json');
    const plain = await app.request('/webhooks/markets?subscription=sub_x');
    expect(plain.status).toBe(404);
    expect(plain.headers.get('content-type')).toContain('text/plain');
  });
});
