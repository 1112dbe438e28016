import { describe, expect, it } from 'vitest';
import type { Subscription } from '../../db/schema.ts';
import { testContext } from '../../test-support.ts';
import { distributionMessages, enqueueDistribution, linkHeader } from './distribution.ts';

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
