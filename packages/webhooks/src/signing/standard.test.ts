import { createHmac } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { WebhookVerificationError } from './errors.ts';
import { decodeStandardSecret, generateStandardSecret, signStandard, verifyStandard } from './standard.ts';

// Published in the Standard Webhooks specification (and Svix's "verifying manually" docs).
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestampSec: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const SECRET = 'whsec_' + Buffer.from('a test secret of exactly 32 byte').toString('base64');
const OTHER = 'whsec_' + Buffer.from('another secret, also 32 bytes!!!').toString('base64');
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

describe('Standard Webhooks signing', () => {
  it('reproduces the specification test vector', () => {
    const headers = signStandard({
      id: SPEC.id,
      timestampSec: SPEC.timestampSec,
      body: SPEC.body,
      secrets: SPEC.secret,
    });
    expect(headers).toEqual({
      'webhook-id': SPEC.id,
      'webhook-timestamp': String(SPEC.timestampSec),
      'webhook-signature': SPEC.signature,
    });
    expect(
      verifyStandard({ body: SPEC.body, headers, secrets: SPEC.secret, now: SPEC.timestampSec * 1000 }),
    ).toEqual({ id: SPEC.id, timestampSec: SPEC.timestampSec });
  });

  it('matches an HMAC computed independently with node:crypto', () => {
    const key = Buffer.from('a test secret of exactly 32 byte', 'utf8');
    const expected = createHmac('sha256', key).update('msg_1.1700000000.{"a":1}').digest('base64');
    const headers = signStandard({ id: 'msg_1', timestampSec: T, body: '{"a":1}', secrets: [SECRET] });
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
  });

  it('signs bytes and strings identically', () => {
    const body = '{"emoji":"🪝"}';
    const asString = signStandard({ id: 'msg_1', timestampSec: T, body, secrets: SECRET });
    const asBytes = signStandard({
      id: 'msg_1',
      timestampSec: T,
      body: new TextEncoder().encode(body),
      secrets: SECRET,
    });
    expect(asBytes).toEqual(asString);
  });

  it('accepts a bare base64 secret without the whsec_ prefix', () => {
    expect(decodeStandardSecret(SPEC.secret.slice('whsec_'.length))).toEqual(
      decodeStandardSecret(SPEC.secret),
    );
  });

  it('generates whsec_ secrets of 24–64 random bytes', () => {
    const secret = generateStandardSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(decodeStandardSecret(secret)).toHaveLength(32);
    expect(decodeStandardSecret(generateStandardSecret(24))).toHaveLength(24);
    expect(generateStandardSecret()).not.toBe(secret);
    expect(codeOf(() => generateStandardSecret(8))).toBe('invalid_argument');
  });
});

describe('Standard Webhooks rotation', () => {
  it('signs with several secrets as space-separated v1 entries', () => {
    const headers = signStandard({ id: 'msg_1', timestampSec: T, body: '{}', secrets: [SECRET, OTHER] });
    const entries = headers['webhook-signature'].split(' ');
    expect(entries).toHaveLength(2);
    for (const secret of [SECRET, OTHER]) {
      expect(verifyStandard({ body: '{}', headers, secrets: secret, now: AT })).toEqual({
        id: 'msg_1',
        timestampSec: T,
      });
    }
  });

  it('accepts any of several candidate secrets (overlap window)', () => {
    const headers = signStandard({ id: 'msg_1', timestampSec: T, body: '{}', secrets: OTHER });
    expect(codeOf(() => verifyStandard({ body: '{}', headers, secrets: [SECRET, OTHER], now: AT }))).toBe(
      'accepted',
    );
  });

  it('skips unknown versions and finds the matching entry among several', () => {
    const good = signStandard({ id: 'msg_1', timestampSec: T, body: '{}', secrets: SECRET })[
      'webhook-signature'
    ];
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(T),
      'webhook-signature': `v1a,AAAA v1,bm90LWl0 ${good}`,
    };
    expect(codeOf(() => verifyStandard({ body: '{}', headers, secrets: SECRET, now: AT }))).toBe('accepted');
  });
});

describe('Standard Webhooks refusals', () => {
  const body = '{"type":"order.paid"}';
  const headers = signStandard({ id: 'msg_1', timestampSec: T, body, secrets: SECRET });
  const verify = (over: Partial<Parameters<typeof verifyStandard>[0]>) => () =>
    verifyStandard({ body, headers, secrets: SECRET, now: AT, ...over });

  it('refuses a tampered body, id or timestamp', () => {
    expect(codeOf(verify({ body: '{"type":"order.paid "}' }))).toBe('no_matching_signature');
    expect(codeOf(verify({ headers: { ...headers, 'webhook-id': 'msg_2' } }))).toBe('no_matching_signature');
    expect(codeOf(verify({ headers: { ...headers, 'webhook-timestamp': String(T + 1) } }))).toBe(
      'no_matching_signature',
    );
  });

  it('refuses the wrong secret', () => {
    expect(codeOf(verify({ secrets: OTHER }))).toBe('no_matching_signature');
  });

  it('refuses stale and far-future timestamps; accepts the edges of the window', () => {
    expect(codeOf(verify({ now: AT + 300_000 }))).toBe('accepted');
    expect(codeOf(verify({ now: AT + 301_000 }))).toBe('timestamp_too_old');
    expect(codeOf(verify({ now: AT - 300_000 }))).toBe('accepted');
    expect(codeOf(verify({ now: AT - 301_000 }))).toBe('timestamp_too_new');
    expect(codeOf(verify({ now: new Date(AT + 20_000), toleranceSec: 10 }))).toBe('timestamp_too_old');
  });

  it('refuses missing and malformed headers', () => {
    expect(codeOf(verify({ headers: {} }))).toBe('missing_header');
    expect(codeOf(verify({ headers: { ...headers, 'webhook-signature': '' } }))).toBe('missing_header');
    expect(codeOf(verify({ headers: { ...headers, 'webhook-timestamp': 'yesterday' } }))).toBe(
      'malformed_header',
    );
    expect(codeOf(verify({ headers: { ...headers, 'webhook-timestamp': '-5' } }))).toBe('malformed_header');
    expect(codeOf(verify({ headers: { ...headers, 'webhook-signature': 'v2,abc' } }))).toBe(
      'malformed_header',
    );
    expect(codeOf(verify({ headers: { ...headers, 'webhook-signature': 'x'.repeat(100_000) } }))).toBe(
      'malformed_header',
    );
    expect(codeOf(verify({ headers: undefined as never }))).toBe('missing_header');
    expect(codeOf(verify({ headers: 42 as never }))).toBe('missing_header');
  });

  it('reads fetch Headers and Node-style header records alike', () => {
    expect(codeOf(verify({ headers: new Headers(headers) }))).toBe('accepted');
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), [v]]));
    expect(codeOf(verify({ headers: upper }))).toBe('accepted');
  });

  it('turns garbage arguments into typed errors', () => {
    expect(codeOf(verify({ body: undefined as never }))).toBe('invalid_body');
    expect(codeOf(verify({ body: 12 as never }))).toBe('invalid_body');
    expect(codeOf(verify({ secrets: 'whsec_not base64!' }))).toBe('invalid_secret');
    expect(codeOf(verify({ secrets: 'whsec_' }))).toBe('invalid_secret');
    expect(codeOf(verify({ secrets: [] }))).toBe('invalid_secret');
    expect(codeOf(verify({ secrets: [3] as never }))).toBe('invalid_secret');
    expect(codeOf(verify({ now: Number.NaN }))).toBe('invalid_argument');
    expect(codeOf(verify({ toleranceSec: -1 }))).toBe('invalid_argument');
    expect(codeOf(() => signStandard({ id: 'has space', timestampSec: T, body, secrets: SECRET }))).toBe(
      'invalid_argument',
    );
    expect(codeOf(() => signStandard({ id: 'msg_1', timestampSec: 1.5, body, secrets: SECRET }))).toBe(
      'invalid_argument',
    );
  });
});

describe('Standard Webhooks interoperability', () => {
  const body = JSON.stringify({
    type: 'order.paid',
    timestamp: new Date().toISOString(),
    data: { id: 'ord_1' },
  });
  const now = Math.floor(Date.now() / 1000);

  it('standardwebhooks verifies our output unchanged, rotation included', () => {
    const headers = signStandard({ id: 'msg_std', timestampSec: now, body, secrets: [OTHER, SECRET] });
    expect(new StandardWebhook(SECRET).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new StandardWebhook(OTHER).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('svix verifies our output unchanged', () => {
    const headers = signStandard({ id: 'msg_svix', timestampSec: now, body, secrets: SECRET });
    expect(new SvixWebhook(SECRET).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('we verify what the libraries sign', () => {
    const signature = new StandardWebhook(SECRET).sign('msg_lib', new Date(now * 1000), body);
    const headers = {
      'webhook-id': 'msg_lib',
      'webhook-timestamp': String(now),
      'webhook-signature': signature,
    };
    expect(verifyStandard({ body, headers, secrets: SECRET })).toEqual({ id: 'msg_lib', timestampSec: now });
    const svixSig = new SvixWebhook(SECRET).sign('msg_lib', new Date(now * 1000), body);
    expect(
      verifyStandard({ body, headers: { ...headers, 'webhook-signature': svixSig }, secrets: SECRET }).id,
    ).toBe('msg_lib');
  });
});
