import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WebhookVerificationError } from './errors.ts';
import { createXCrcResponse, signX, verifyX, verifyXCrcResponse } from './x.ts';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof WebhookVerificationError) return err.code;
    throw err;
  }
  return 'accepted';
}

describe('X-style CRC', () => {
  it('answers sha256= + base64(HMAC-SHA256(consumer secret, crc_token))', () => {
    const expected = createHmac('sha256', 'consumer-secret').update('crc-token-123').digest('base64');
    expect(createXCrcResponse('crc-token-123', 'consumer-secret')).toEqual({
      response_token: `sha256=${expected}`,
    });
  });

  it('lets the sender check the answer', () => {
    const response = createXCrcResponse('tok', 'secret');
    expect(codeOf(() => verifyXCrcResponse({ crcToken: 'tok', response, secrets: 'secret' }))).toBe(
      'accepted',
    );
    expect(codeOf(() => verifyXCrcResponse({ crcToken: 'tok2', response, secrets: 'secret' }))).toBe(
      'no_matching_signature',
    );
    expect(codeOf(() => verifyXCrcResponse({ crcToken: 'tok', response: 'nope', secrets: 'secret' }))).toBe(
      'no_matching_signature',
    );
    expect(codeOf(() => createXCrcResponse('', 'secret'))).toBe('invalid_argument');
  });
});

describe('X-style body signature', () => {
  const body = '{"data":{"id":"1","text":"#dresses"}}';

  it('is base64, not hex, and round-trips', () => {
    const expected = createHmac('sha256', 'consumer-secret').update(body).digest('base64');
    const headers = signX({ body, secrets: 'consumer-secret' });
    expect(headers).toEqual({ 'x-twitter-webhooks-signature': `sha256=${expected}` });
    expect(verifyX({ body, headers, secrets: ['rotated', 'consumer-secret'] })).toEqual({});
  });

  it('refuses tampering, wrong secrets and garbage', () => {
    const headers = signX({ body, secrets: 's' });
    expect(codeOf(() => verifyX({ body: `${body} `, headers, secrets: 's' }))).toBe('no_matching_signature');
    expect(codeOf(() => verifyX({ body, headers, secrets: 't' }))).toBe('no_matching_signature');
    expect(
      codeOf(() => verifyX({ body, headers: { 'x-twitter-webhooks-signature': 'sha1=x' }, secrets: 's' })),
    ).toBe('unsupported_algorithm');
    expect(codeOf(() => verifyX({ body, headers: {}, secrets: 's' }))).toBe('missing_header');
  });
});
