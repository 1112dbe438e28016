import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WebhookVerificationError } from './errors.ts';
import { hubSigningScheme, isSigningScheme, SIGNING_SCHEMES, signers } from './signers.ts';

const T = 1_700_000_000;
const STANDARD_SECRET = 'whsec_' + Buffer.from('registry secret, thirty-two bytes').toString('base64');

function secretsFor(scheme: string): string[] {
  return scheme === 'standard' ? [STANDARD_SECRET] : ['registry-secret'];
}

describe('signers registry', () => {
  it.each(SIGNING_SCHEMES)('%s signs and verifies its own headers', (scheme) => {
    const signer = signers[scheme];
    const body = '{"type":"order.paid"}';
    const headers = signer.sign({ id: 'msg_1', timestampSec: T, body, secrets: secretsFor(scheme) });
    const verified = signer.verify({ body, headers, secrets: secretsFor(scheme), now: T * 1000 });
    expect(verified.scheme).toBe(scheme);
    if (signer.signatureHeader) {
      const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
      expect(verified.signature).toBe(lower[signer.signatureHeader]);
      expect(() =>
        signer.verify({ body: `${body} `, headers, secrets: secretsFor(scheme), now: T * 1000 }),
      ).toThrow(WebhookVerificationError);
    } else {
      expect(headers).toEqual({});
    }
  });

  it('puts the message id on the wire only for standard', () => {
    expect(
      signers.standard.verify({
        body: '{}',
        headers: signers.standard.sign({
          id: 'msg_42',
          timestampSec: T,
          body: '{}',
          secrets: [STANDARD_SECRET],
        }),
        secrets: [STANDARD_SECRET],
        now: T * 1000,
      }),
    ).toMatchObject({ id: 'msg_42', timestampSec: T });
  });

  it('hub schemes pick their algorithm', () => {
    expect(
      signers['hub-sha512'].sign({ id: 'm', timestampSec: T, body: 'x', secrets: ['s'] })['X-Hub-Signature'],
    ).toMatch(/^sha512=[0-9a-f]{128}$/);
  });

  it('hubSigningScheme names the outbox scheme per algorithm, sha256 by default, and refuses others', () => {
    expect(hubSigningScheme()).toBe('hub-sha256');
    for (const algorithm of ['sha1', 'sha256', 'sha384', 'sha512'] as const) {
      const headers = signers[hubSigningScheme(algorithm)].sign({
        id: 'm',
        timestampSec: T,
        body: 'b',
        secrets: ['s'],
      });
      expect(headers['X-Hub-Signature']).toBe(
        `${algorithm}=${createHmac(algorithm, 's').update('b').digest('hex')}`,
      );
    }
    expect(() => hubSigningScheme('md5' as never)).toThrow(/unsupported/);
  });

  it('recognises scheme names', () => {
    expect(isSigningScheme('stripe')).toBe(true);
    expect(isSigningScheme('hub-md5')).toBe(false);
    expect(isSigningScheme(undefined)).toBe(false);
  });
});
