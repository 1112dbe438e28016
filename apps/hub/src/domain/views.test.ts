// The read-only JSON API and the page: what they show, what they never show, and bad queries.
import { describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { subscriptions, topics } from '../db/schema.ts';
import { hubRouteDocs } from '../http/openapi.ts';
import { testContext } from '../test-support.ts';

function seeded() {
  const ctx = testContext();
  const now = ctx.clock.now();
  ctx.db
    .insert(subscriptions)
    .values([
      {
        id: 'sub_1',
        callback: 'https://sub.example/cb?token=very-private',
        topic: 'https://ticker.example/quotes/ACME',
        secret: 'the-subscribers-secret',
        algorithm: 'sha512',
        leaseSeconds: 600,
        expiresAt: now + 300_000,
        createdAt: now,
        updatedAt: now,
        lastDeliveryAt: now,
        lastDeliveryStatus: 204,
        lastDeliveryOk: true,
      },
      {
        id: 'sub_expired',
        callback: 'https://old.example/cb',
        topic: 'https://ticker.example/quotes/ACME',
        secret: null,
        algorithm: 'sha256',
        leaseSeconds: 5,
        expiresAt: now - 1,
        createdAt: now,
        updatedAt: now,
      },
    ])
    .run();
  ctx.db
    .insert(topics)
    .values({
      url: 'https://ticker.example/quotes/ACME',
      publishCount: 3,
      lastPublishAt: now,
      createdAt: now,
    })
    .run();
  return { ctx, app: createApp(ctx) };
}

const docOf = (path: string) => hubRouteDocs.find((r) => r.method === 'GET' && r.path === path)!;

describe('the JSON API', () => {
  it('lists active subscriptions with lease left and last delivery, never a secret or a callback query', async () => {
    const { app } = seeded();
    const res = await app.request('/v1/subscriptions');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain('the-subscribers-secret');
    expect(text).not.toContain('very-private');
    const body = JSON.parse(text);
    expect(docOf('/v1/subscriptions').responses[200]!.schema!.safeParse(body).error).toBeUndefined();
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({
      id: 'sub_1',
      callback: 'https://sub.example/cb?…',
      signed: 'sha512',
      last_delivery_status: 204,
    });
    expect(body.data[0].lease_left_seconds).toBeGreaterThan(290);
  });

  it('lists topics and deliveries in their documented shapes', async () => {
    const { app } = seeded();
    const t = await (await app.request('/v1/topics')).json();
    expect(docOf('/v1/topics').responses[200]!.schema!.safeParse(t).error).toBeUndefined();
    expect(t.data[0]).toMatchObject({ url: 'https://ticker.example/quotes/ACME', publish_count: 3 });
    const d = await (await app.request('/v1/deliveries')).json();
    expect(docOf('/v1/deliveries').responses[200]!.schema!.safeParse(d).error).toBeUndefined();
  });

  it('answers a bad query with a 400 problem+json naming the parameter', async () => {
    const { app } = seeded();
    for (const path of ['/v1/topics?limit=0', '/v1/subscriptions?topic=nope', '/v1/deliveries?limit=abc']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.json()).toMatchObject({ status: 400, code: 'invalid_query' });
    }
  });
});

describe('the page', () => {
  it('shows topics and subscriptions with lease left, without secrets or callback queries', async () => {
    const { app } = seeded();
    const res = await app.request('/');
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('https://ticker.example/quotes/ACME');
    expect(html).toContain('https://sub.example/cb?…');
    expect(html).toMatch(/[0-9]+ min/);
    expect(html).not.toContain('the-subscribers-secret');
    expect(html).not.toContain('very-private');
    expect(html).not.toContain('old.example');
  });
});
