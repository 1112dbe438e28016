import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WebhookVerificationError } from './errors.ts';
import { HUB_ALGORITHMS, signHub, verifyHub } from './hub.ts';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof WebhookVerificationError) return err.code;
    throw err;
  }
  return 'accepted';
}

describe('X-Hub-Signature', () => {
  it("reproduces GitHub's documented example (sha256)", () => {
    const headers = signHub({
      algorithm: 'sha256',
      body: 'Hello, World!',
      secrets: "It's a Secret to Everybody",
    });
    const expected = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(headers).toEqual({ 'X-Hub-Signature': expected, 'X-Hub-Signature-256': expected });
  });

  it('signs each body of a run by its own bytes (strings, non-ASCII, bytes, one body again)', () => {
    const bodies = ['{"a":1}', '{"a":"ü€😀"}', '{"a":1}', new TextEncoder().encode('{"b":2}'), '', '{"a":1}'];
    for (const [i, body] of bodies.entries()) {
      const secret = `secret-${i}-é`;
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      const expected = createHmac('sha256', Buffer.from(secret, 'utf8')).update(bytes).digest('hex');
      expect(signHub({ algorithm: 'sha256', body, secrets: secret })['X-Hub-Signature']).toBe(
        `sha256=${expected}`,
      );
    }
  });

  it.each(HUB_ALGORITHMS)('%s matches node:crypto and round-trips', (algorithm) => {
    const expected = createHmac(algorithm, 'hub-secret').update('<feed/>').digest('hex');
    const headers = signHub({ algorithm, body: '<feed/>', secrets: 'hub-secret' });
    expect(headers['X-Hub-Signature']).toBe(`${algorithm}=${expected}`);
    expect(verifyHub({ body: '<feed/>', headers, secrets: ['old', 'hub-secret'] })).toEqual({
      algorithm,
      signature: `${algorithm}=${expected}`,
    });
    expect(
      verifyHub({
        body: '<feed/>',
        headers: { 'x-hub-signature': `${algorithm}=${expected}` },
        secrets: 'hub-secret',
      }),
    ).toEqual({ algorithm, signature: `${algorithm}=${expected}` });
  });

  it('reads X-Hub-Signature-256 alone (GitHub style)', () => {
    const { 'X-Hub-Signature-256': sig } = signHub({ algorithm: 'sha256', body: '{}', secrets: 's' });
    expect(verifyHub({ body: '{}', headers: { 'X-Hub-Signature-256': sig }, secrets: 's' })).toEqual({
      algorithm: 'sha256',
      signature: sig,
    });
  });

  it('refuses tampering, wrong secrets, unknown or disallowed algorithms and garbage', () => {
    const headers = signHub({ algorithm: 'sha1', body: 'body', secrets: 's' });
    expect(codeOf(() => verifyHub({ body: 'body!', headers, secrets: 's' }))).toBe('no_matching_signature');
    expect(codeOf(() => verifyHub({ body: 'body', headers, secrets: 't' }))).toBe('no_matching_signature');
    expect(codeOf(() => verifyHub({ body: 'body', headers, secrets: 's', algorithms: ['sha256'] }))).toBe(
      'unsupported_algorithm',
    );
    expect(
      codeOf(() => verifyHub({ body: 'body', headers: { 'x-hub-signature': 'md5=abc' }, secrets: 's' })),
    ).toBe('unsupported_algorithm');
    expect(
      codeOf(() => verifyHub({ body: 'body', headers: { 'x-hub-signature': 'abc' }, secrets: 's' })),
    ).toBe('malformed_header');
    expect(codeOf(() => verifyHub({ body: 'body', headers: {}, secrets: 's' }))).toBe('missing_header');
    expect(codeOf(() => signHub({ algorithm: 'md5' as never, body: 'x', secrets: 's' }))).toBe(
      'unsupported_algorithm',
    );
  });
});
