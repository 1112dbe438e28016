import { discover, signHub } from '@hooklab/webhooks';
import { check, defineScenario, waitFor } from './scenario.ts';
import { startScenarioSubscriber } from './websub-subscriber.ts';

export interface S10Result {
  topic: string;
  hub: string;
  discoveredFrom: 'link-header' | 'document';
  leaseSeconds: number;
  /** Requests the subscriber made: discovery, subscribe, renewal(s), unsubscribe. */
  requests: number;
  verifications: { answered: number; refused: number };
  delivery: { algorithm: string; price: number; seq: number };
  forged: { status: number; ignored: number };
  unsigned: { status: number };
  renewals: number;
  hubSubscriptions: { before: number; after: number };
}

/** S10: publisher (ticker), hub and a subscriber built with @hooklab/webhooks' WebSub library, end to end. */
export const s10 = defineScenario<S10Result>({
  id: 'S10',
  title: 'WebSub: publisher, hub, subscriber',
  story:
    'A subscriber discovers the hub from the topic’s Link headers (rel="hub", rel="self"), subscribes with a ' +
    'form POST and gets 202. The hub verifies intent with a challenge, which the subscriber echoes only because ' +
    'it is pending on that topic. The ticker’s price changes, it pings the hub, and the hub delivers the topic ' +
    'signed with X-Hub-Signature. A forged delivery is ignored, an unsigned one refused. Before the short lease ' +
    'ends the subscriber renews; then it unsubscribes, and the hub verifies that too.',
  actors: ['ticker', 'hub'],
  steps: [
    'Discover the hub: GET the topic, read its Link headers',
    'Subscribe with a secret: the hub answers 202 Accepted',
    'The hub verifies intent; a stray verification is refused with 404',
    'The price changes, the ticker pings the hub, the hub delivers the topic signed',
    'A forged delivery is ignored, an unsigned one refused',
    'The lease nears its end: the subscriber renews, the hub verifies again',
    'Unsubscribe: 202, verified, the hub no longer lists the subscription',
  ],
  async run(ctx) {
    const symbol = String(ctx.params.symbol ?? 'ACME').toUpperCase();
    const lease = Number(ctx.params.lease_seconds ?? 5);
    const timeoutMs = Number(ctx.params.timeout_ms ?? 30_000);
    const secret = `s10-${Math.random().toString(36).slice(2)}`;
    const sub = await startScenarioSubscriber(ctx);
    try {
      const topicPage = `${ctx.urls.ticker}/topics/${symbol}`;
      const hubSubscriptions = async (topic: string) => {
        const res = await ctx.fetch(`${ctx.urls.hub}/v1/subscriptions?topic=${encodeURIComponent(topic)}`);
        check(res.ok, `hub GET /v1/subscriptions answered ${res.status}`);
        return ((await res.json()) as { data: unknown[] }).data.length;
      };

      ctx.step(0);
      const found = await discover(topicPage, { fetch: ctx.fetch as never });
      check(
        found.selfAdvertised && found.hubs.length > 0,
        'the topic advertises rel="hub" and rel="self"',
        found,
      );
      ctx.say(`found hub ${found.hubs[0]} and topic ${found.topic} in the ${found.source}`, found);

      ctx.step(1);
      const created = await sub.subscriber.subscribe({
        topic: found.topic,
        hub: found.hubs[0],
        secret,
        leaseSeconds: lease,
      });
      ctx.say(
        `POST ${created.hub} hub.mode=subscribe → 202; callback ${sub.server.url}, lease asked ${lease} s`,
      );

      ctx.step(2);
      const stray = await fetch(
        `${created.callback}&hub.mode=subscribe&hub.topic=${encodeURIComponent(`${found.topic}-other`)}&hub.challenge=x`,
      );
      check(
        stray.status === 404,
        'a verification for a topic the subscriber never asked for gets 404',
        stray.status,
      );
      const active = await sub.subscriber.until(created.id, ['active'], timeoutMs);
      check(active.leaseSeconds, 'the hub said how long the lease is', active);
      ctx.say(
        `the hub's challenge was echoed: subscription active for ${active.leaseSeconds} s; a stray one got 404`,
      );
      check((await hubSubscriptions(found.topic)) >= 1, 'the hub lists the subscription');
      const before = await hubSubscriptions(found.topic);

      ctx.step(3);
      const first = await waitFor(() => sub.received[0], { timeoutMs, what: 'a delivery from the hub' });
      const content = JSON.parse(first.text()) as { price: number; seq: number; symbol: string };
      check(first.signature, 'the delivery carried a valid X-Hub-Signature', first.signature);
      check(content.symbol === symbol, 'the delivery is the topic’s content', content);
      ctx.say(
        `delivery: ${symbol} at ${content.price} (change #${content.seq}), X-Hub-Signature ${first.signature} verified`,
      );

      ctx.step(4);
      const body = JSON.stringify({ ...content, price: 0.01 });
      const forged = await fetch(created.callback, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...signHub({ algorithm: 'sha256', body, secrets: 'not-the-secret' }),
        },
        body,
      });
      const unsigned = await fetch(created.callback, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const ignored = sub.subscriber.stats().deliveriesIgnored;
      check(forged.ok && ignored === 1, 'the forged delivery was acknowledged (2xx) and ignored', {
        status: forged.status,
        ignored,
      });
      check(!unsigned.ok, 'the unsigned delivery was refused', unsigned.status);
      check(
        sub.received.every((c) => JSON.parse(c.text()).price !== 0.01),
        'no forged or unsigned price reached the subscriber',
      );
      ctx.say(`forged signature → ${forged.status}, ignored; unsigned → ${unsigned.status}`);

      ctx.step(5);
      await waitFor(() => (sub.subscriber.get(created.id)?.renewals ?? 0) >= 1, {
        timeoutMs: Math.max(timeoutMs, lease * 2000),
        what: 'a renewal verified by the hub',
      });
      const renewed = sub.subscriber.get(created.id)!;
      check(renewed.state === 'active', 'still subscribed after the renewal', renewed);
      ctx.say(`renewed before the ${active.leaseSeconds} s lease ran out; the hub verified again`);

      ctx.step(6);
      await sub.subscriber.unsubscribe(created.id);
      await sub.subscriber.until(created.id, ['unsubscribed'], timeoutMs);
      const after = await waitFor(
        async () => ((await hubSubscriptions(found.topic)) < before ? 'gone' : null),
        {
          timeoutMs,
          what: 'the hub to drop the subscription',
        },
      );
      const stats = sub.subscriber.stats();
      ctx.say(`unsubscribed (${after}); the subscriber made ${stats.requests} requests in all`, stats);
      return {
        topic: found.topic,
        hub: created.hub,
        discoveredFrom: found.source,
        leaseSeconds: active.leaseSeconds,
        requests: stats.requests,
        verifications: { answered: stats.verificationsAnswered, refused: stats.verificationsRefused },
        delivery: { algorithm: first.signature, price: content.price, seq: content.seq },
        forged: { status: forged.status, ignored },
        unsigned: { status: unsigned.status },
        renewals: renewed.renewals,
        hubSubscriptions: { before, after: await hubSubscriptions(found.topic) },
      };
    } finally {
      await sub.close();
    }
  },
});
