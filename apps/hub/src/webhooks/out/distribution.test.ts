import { describe, expect, it } from 'vitest';
import type { Subscription } from '../../db/schema.ts';
import { testContext } from '../../test-support.ts';
import { distributionMessages, enqueueDistribution, linkHeader, literalAwareCheck } from './distribution.ts';

const sub = (
  id: string,
  secret: string | null,
  algorithm: Subscription['algorithm'] = 'sha256',
): Subscription => ({
  id,
  callback: `https://sub.example/${id}?k=v`,
  topic: 'https://ticker.example/quotes/ACME',
  secret,
  algorithm,
  leaseSeconds: 60,
  expiresAt: Date.now() + 60_000,
  createdAt: 0,
  updatedAt: 0,
  lastDeliveryAt: null,
  lastDeliveryStatus: null,
  lastDeliveryOk: null,
});

const content = {
  topic: 'https://ticker.example/quotes/ACME',
  contentType: 'application/json; charset=utf-8',
  body: '{"price":1}',
  hubUrl: 'https://hub.example/',
  publishId: 'pub_1',
};

describe('distribution messages', () => {
  it('carry the content, its exact Content-Type, the Link header and each subscriber’s own signing', () => {
    const [a, b, c] = distributionMessages(content, [
      sub('a', 's-a'),
      sub('b', null),
      sub('c', 's-c', 'sha512'),
    ]);
    expect(a).toMatchObject({
      endpointId: 'a',
      url: 'https://sub.example/a?k=v',
      body: '{"price":1}',
      eventId: 'pub_1',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        link: '<https://hub.example/>; rel="hub", <https://ticker.example/quotes/ACME>; rel="self"',
      },
      signing: { scheme: 'hub-sha256', secrets: ['s-a'] },
      profile: 'standard',
    });
    expect(b!.signing).toEqual({ scheme: 'none', secrets: [] });
    expect(c!.signing).toEqual({ scheme: 'hub-sha512', secrets: ['s-c'] });
    expect(linkHeader('h', 't').match(/rel="self"/g)).toHaveLength(1);
  });

  it('are written in the caller’s one transaction: all of a publish or none of it', async () => {
    const ctx = testContext();
    const subs = Array.from({ length: 250 }, (_, i) => sub(`s${i}`, i % 2 ? 'secret' : null));
    expect(() =>
      ctx.sqlite.transaction(() => {
        enqueueDistribution(ctx.outbox, ctx.sqlite, content, subs);
        throw new Error('the publish failed after the enqueue');
      })(),
    ).toThrow(/publish failed/);
    expect((await ctx.outbox.stats()).pending).toBe(0);
    ctx.sqlite.transaction(() => enqueueDistribution(ctx.outbox, ctx.sqlite, content, subs))();
    expect((await ctx.outbox.stats()).pending).toBe(250);
  });
});

describe('the SSRF check per attempt', () => {
  it('keeps the verdict of a URL whose host is an IP address, and asks DNS for a name on every attempt', async () => {
    const asked: string[] = [];
    const check = literalAwareCheck({
      lookup: async (host) => {
        asked.push(host);
        return [{ address: '93.184.216.34', family: 4 }];
      },
    });
    const literal = await check('http://93.184.216.34/cb?k=1');
    expect(literal.ok).toBe(true);
    expect(await check('http://93.184.216.34/cb?k=1')).toBe(literal);

    const named = await check('https://sub.example/cb');
    expect(named.ok).toBe(true);
    expect(await check('https://sub.example/cb')).not.toBe(named);
    expect(asked).toEqual(['sub.example', 'sub.example']);

    const blocked = await check('http://10.0.0.1/cb');
    expect(blocked).toMatchObject({ ok: false, code: 'ssrf_blocked' });
    expect(await check('http://10.0.0.1/cb')).toMatchObject({ ok: false, code: 'ssrf_blocked' });
  });
});
