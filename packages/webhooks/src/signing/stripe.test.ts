import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { WebhookVerificationError } from './errors.ts';
import { signStripe, verifyStripe } from './stripe.ts';

const SECRET = 'whsec_test_secret_one';
const OTHER = 'whsec_test_secret_two';
const T = 1_700_000_000;
const AT = T * 1000;

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof WebhookVerificationError) return err.code;
    throw err;
  }
  return 'accepted';
}

describe('Stripe signing', () => {
  it('keys the HMAC with the whole whsec_ string and signs t.body in hex', () => {
    const expected = createHmac('sha256', 'whsec_test_secret_one')
      .update('1700000000.{"id":"evt_1"}')
      .digest('hex');
    expect(signStripe({ timestampSec: T, body: '{"id":"evt_1"}', secrets: SECRET })).toEqual({
      'Stripe-Signature': `t=1700000000,v1=${expected}`,
    });
  });

  it('puts one v1 per secret, no spaces, and verifies with either', () => {
    const headers = signStripe({ timestampSec: T, body: '{}', secrets: [SECRET, OTHER] });
    expect(headers['Stripe-Signature']).toMatch(/^t=1700000000,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verifyStripe({ body: '{}', headers, secrets: OTHER, now: AT })).toEqual({ timestampSec: T });
    expect(verifyStripe({ body: '{}', headers, secrets: [OTHER, SECRET], now: AT })).toEqual({
      timestampSec: T,
    });
  });

  it('ignores v0 and unknown entries', () => {
    const { 'Stripe-Signature': header } = signStripe({ timestampSec: T, body: '{}', secrets: SECRET });
    const headers = { 'stripe-signature': `${header},v0=deadbeef,foo=bar,garbage` };
    expect(codeOf(() => verifyStripe({ body: '{}', headers, secrets: SECRET, now: AT }))).toBe('accepted');
  });
});

describe('Stripe refusals', () => {
  const body = '{"id":"evt_1","object":"event"}';
  const headers = signStripe({ timestampSec: T, body, secrets: SECRET });
  const verify = (over: Partial<Parameters<typeof verifyStripe>[0]>) => () =>
    verifyStripe({ body, headers, secrets: SECRET, now: AT, ...over });

  it('refuses tampering and the wrong secret', () => {
    expect(codeOf(verify({ body: body.replace('evt_1', 'evt_2') }))).toBe('no_matching_signature');
    expect(codeOf(verify({ secrets: OTHER }))).toBe('no_matching_signature');
    const shifted = headers['Stripe-Signature'].replace(`t=${T}`, `t=${T + 1}`);
    expect(codeOf(verify({ headers: { 'Stripe-Signature': shifted } }))).toBe('no_matching_signature');
  });

  it('refuses stale and far-future timestamps (300 s)', () => {
    expect(codeOf(verify({ now: AT + 300_000 }))).toBe('accepted');
    expect(codeOf(verify({ now: AT + 301_000 }))).toBe('timestamp_too_old');
    expect(codeOf(verify({ now: AT - 301_000 }))).toBe('timestamp_too_new');
  });

  it('refuses missing and garbage headers', () => {
    expect(codeOf(verify({ headers: {} }))).toBe('missing_header');
    expect(codeOf(verify({ headers: { 'stripe-signature': 'v1=abc' } }))).toBe('malformed_header');
    expect(codeOf(verify({ headers: { 'stripe-signature': `t=${T}` } }))).toBe('malformed_header');
    expect(codeOf(verify({ headers: { 'stripe-signature': 't=soon,v1=abc' } }))).toBe('malformed_header');
    expect(codeOf(verify({ headers: { 'stripe-signature': ',,,=,==' } }))).toBe('malformed_header');
  });
});

describe('Stripe interoperability (stripe v23)', () => {
  const body = JSON.stringify({
    id: 'evt_123',
    object: 'event',
    type: 'payment_intent.succeeded',
    data: { object: {} },
  });

  it('constructEvent accepts our header unchanged, rotation included', () => {
    const stripe = new Stripe('sk_test_x');
    const headers = signStripe({
      timestampSec: Math.floor(Date.now() / 1000),
      body,
      secrets: [OTHER, SECRET],
    });
    const event = stripe.webhooks.constructEvent(body, headers['Stripe-Signature'], SECRET);
    expect(event.id).toBe('evt_123');
    expect(stripe.webhooks.constructEvent(body, headers['Stripe-Signature'], OTHER).type).toBe(
      'payment_intent.succeeded',
    );
  });

  it('we accept generateTestHeaderString output', () => {
    const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET, timestamp: T });
    expect(verifyStripe({ body, headers: { 'Stripe-Signature': header }, secrets: SECRET, now: AT })).toEqual(
      {
        timestampSec: T,
      },
    );
  });
});
