import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support.ts';

describe('webhook endpoints through the official SDK', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('CRUD: secret only at creation, update, disable, delete', async () => {
    const stripe = s.stripe();
    const ep = await stripe.webhookEndpoints.create({
      url: 'http://127.0.0.1:9/hook',
      enabled_events: ['payment_intent.succeeded'],
      description: 'shop',
      metadata: { team: 'a' },
    });
    expect(ep).toMatchObject({
      object: 'webhook_endpoint',
      status: 'enabled',
      enabled_events: ['payment_intent.succeeded'],
      description: 'shop',
    });
    expect(ep.secret).toMatch(/^whsec_/);
    const got = await stripe.webhookEndpoints.retrieve(ep.id);
    expect(got.secret).toBeUndefined();
    const up = await stripe.webhookEndpoints.update(ep.id, { enabled_events: ['*'], disabled: true });
    expect(up).toMatchObject({ enabled_events: ['*'], status: 'disabled' });
    expect((await stripe.webhookEndpoints.update(ep.id, { disabled: false })).status).toBe('enabled');
    const list = await stripe.webhookEndpoints.list();
    expect(list.data.map((e) => e.id)).toContain(ep.id);
    expect(list.data.every((e) => e.secret === undefined)).toBe(true);
    expect(await stripe.webhookEndpoints.del(ep.id)).toEqual({
      id: ep.id,
      object: 'webhook_endpoint',
      deleted: true,
    });
    expect(await stripe.webhookEndpoints.retrieve(ep.id).catch((e) => e.statusCode)).toBe(404);
  });

  it('validates url and events', async () => {
    const stripe = s.stripe();
    for (const url of ['ftp://x.test/', 'not a url', 'http://10.0.0.1/hook', 'http://user:pw@127.0.0.1/']) {
      const err = await stripe.webhookEndpoints.create({ url, enabled_events: ['*'] }).catch((e) => e);
      expect(err).toMatchObject({ statusCode: 400, param: 'url' });
    }
    const err = await stripe.webhookEndpoints
      .create({ url: 'http://127.0.0.1:9/', enabled_events: ['nope.event' as never] })
      .catch((e) => e);
    expect(err).toMatchObject({ statusCode: 400, param: 'enabled_events[0]' });
  });

  it('accepts a public name that does not resolve from here; an unknown id on update is a 404', async () => {
    const stripe = s.stripe();
    // RFC 6761: .invalid never resolves, as example.com does not in a sandbox; Stripe accepts both.
    const ep = await stripe.webhookEndpoints.create({
      url: 'https://hooks.invalid/stripe',
      enabled_events: ['*'],
    });
    expect(ep.url).toBe('https://hooks.invalid/stripe');
    const moved = await stripe.webhookEndpoints.update(ep.id, { url: 'https://example.invalid/hook' });
    expect(moved.url).toBe('https://example.invalid/hook');
    await stripe.webhookEndpoints.del(ep.id);
    const err = await stripe.webhookEndpoints
      .update('we_unknown', { url: 'http://10.0.0.1/hook' })
      .catch((e) => e);
    expect(err).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'id' });
  });
});
