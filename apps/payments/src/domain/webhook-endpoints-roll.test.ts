import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startReceiver, startTestServer, type TestServer } from '../test-support.ts';
import { signingSecretsOf } from './webhook-endpoints.ts';

type Rolled = Stripe.WebhookEndpoint & { secret: string; previous_secret_expires_at: number | null };

describe('rolling an endpoint’s signing secret, with an overlap', () => {
  let s: TestServer;
  let stripe: Stripe;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    s = await startTestServer();
    stripe = s.stripe();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await s.close();
  });

  const roll = (id: string, previous_secret_expires_in: number) =>
    stripe.rawRequest('POST', `/v1/webhook_endpoints/${id}/roll_secret`, {
      previous_secret_expires_in,
    }) as unknown as Promise<Rolled>;

  /** Makes one event and returns its delivery's raw body and Stripe-Signature. */
  async function deliveryOfNextEvent(name: string) {
    const product = await stripe.products.create({ name });
    const d = await eventually(() => receiver.deliveries.find((x) => x.body.includes(product.id)));
    return { body: d.body, header: String(d.headers['stripe-signature']) };
  }

  const verifies = (d: { body: string; header: string }, secret: string) => {
    try {
      stripe.webhooks.constructEvent(d.body, d.header, secret);
      return true;
    } catch {
      return false;
    }
  };

  it('signs with both secrets during the overlap, then with the new one only', async () => {
    const created = await stripe.webhookEndpoints.create({
      url: receiver.url,
      enabled_events: ['product.created'],
    });
    const first = created.secret!;

    const rolled = await roll(created.id, 3600);
    expect(rolled.secret).toMatch(/^whsec_/);
    expect(rolled.secret).not.toBe(first);
    expect(rolled.previous_secret_expires_at).toBeGreaterThan(Date.now() / 1000 + 3500);
    // The secret is in the roll's answer only, never on a read.
    expect((await stripe.webhookEndpoints.retrieve(created.id)).secret).toBeUndefined();

    const during = await deliveryOfNextEvent('During the overlap');
    expect(during.header.match(/v1=/g)).toHaveLength(2);
    expect(verifies(during, first)).toBe(true);
    expect(verifies(during, rolled.secret)).toBe(true);

    // A second roll with no overlap (a leaked secret): only the newest secret signs.
    const again = await roll(created.id, 0);
    expect(again.previous_secret_expires_at).toBeNull();
    const after = await deliveryOfNextEvent('After the overlap');
    expect(after.header.match(/v1=/g)).toHaveLength(1);
    expect(verifies(after, again.secret)).toBe(true);
    expect(verifies(after, rolled.secret)).toBe(false);
    expect(verifies(after, first)).toBe(false);
  });

  it('refuses an overlap longer than a week, and an unknown endpoint, in Stripe’s error format', async () => {
    const created = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['*'] });
    await expect(roll(created.id, 8 * 24 * 3600)).rejects.toMatchObject({
      statusCode: 400,
      param: 'previous_secret_expires_in',
    });
    await expect(roll('we_nope', 60)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('drops the previous secret once its expiry has passed', () => {
    const internal = { secret: 'whsec_new', previousSecret: 'whsec_old', previousSecretExpiresAt: 1000 };
    expect(signingSecretsOf(internal, 999_000)).toEqual(['whsec_new', 'whsec_old']);
    expect(signingSecretsOf(internal, 1_000_000)).toEqual(['whsec_new']);
  });
});
