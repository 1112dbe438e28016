import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WebhookVerificationError } from './errors.ts';
import { SIGNING_SCHEMES, type SigningScheme, signers } from './signers.ts';
import { verifyXCrcResponse } from './x.ts';

const T = 1_700_000_000;
const SIGNED = SIGNING_SCHEMES.filter((scheme) => scheme !== 'none');

const body = fc.oneof(fc.string({ maxLength: 2000 }), fc.uint8Array({ maxLength: 2000 }));
const plainSecret = fc.string({ minLength: 1, maxLength: 80 });
const standardSecret = fc
  .uint8Array({ minLength: 1, maxLength: 64 })
  .map((bytes) => 'whsec_' + Buffer.from(bytes).toString('base64'));
const id = fc.stringMatching(/^[\x21-\x7e]{1,40}$/);

function secretArb(scheme: SigningScheme) {
  return scheme === 'standard' ? standardSecret : plainSecret;
}

const headerNames = fc.constantFrom(
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'stripe-signature',
  'x-slack-signature',
  'x-slack-request-timestamp',
  'x-hub-signature',
  'x-hub-signature-256',
  'x-twitter-webhooks-signature',
  'Webhook-Signature',
);
const headerValue = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.constantFrom(
    'v1,',
    'v1,=',
    't=,v1=',
    't=1,v1=zz',
    'v0=',
    'sha256=',
    'sha1=' + 'a'.repeat(40),
    ' , , ',
    '==',
  ),
  fc.integer().map(String),
  fc.anything(),
);
const garbageHeaders = fc.oneof(
  fc.dictionary(headerNames, headerValue),
  fc.dictionary(fc.string(), headerValue),
  fc.anything(),
);

describe('signing properties', () => {
  it.each(SIGNED)('%s: random bodies and secrets round-trip, and a flipped byte fails', (scheme) => {
    fc.assert(
      fc.property(
        body,
        fc.array(secretArb(scheme), { minLength: 1, maxLength: 3 }),
        id,
        (raw, secrets, msgId) => {
          const signer = signers[scheme];
          const headers = signer.sign({ id: msgId, timestampSec: T, body: raw, secrets });
          // Schemes whose header carries one signature sign with the first secret only.
          expect(
            signer.verify({ body: raw, headers, secrets: [...secrets].reverse(), now: T * 1000 }).scheme,
          ).toBe(scheme);
          const tampered = Buffer.concat([
            Buffer.from(typeof raw === 'string' ? Buffer.from(raw) : raw),
            Buffer.from([1]),
          ]);
          expect(() => signer.verify({ body: tampered, headers, secrets, now: T * 1000 })).toThrow(
            WebhookVerificationError,
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it.each(SIGNING_SCHEMES)('%s: garbage never throws anything but WebhookVerificationError', (scheme) => {
    fc.assert(
      fc.property(
        garbageHeaders,
        fc.oneof(body, fc.anything()),
        fc.oneof(fc.array(secretArb(scheme), { minLength: 1, maxLength: 2 }), fc.anything()),
        fc.oneof(fc.constant(undefined), fc.integer(), fc.date({ noInvalidDate: false }), fc.anything()),
        (headers, raw, secrets, now) => {
          try {
            signers[scheme].verify({
              body: raw as never,
              headers: headers as never,
              secrets: secrets as never,
              now: now as never,
            });
          } catch (err) {
            expect(err).toBeInstanceOf(WebhookVerificationError);
          }
          try {
            signers[scheme].sign({
              id: headers as never,
              timestampSec: now as never,
              body: raw as never,
              secrets: secrets as never,
            });
          } catch (err) {
            expect(err).toBeInstanceOf(WebhookVerificationError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('X CRC check never throws anything but WebhookVerificationError', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), (crcToken, response, secrets) => {
        try {
          verifyXCrcResponse({ crcToken: crcToken as never, response, secrets: secrets as never });
        } catch (err) {
          expect(err).toBeInstanceOf(WebhookVerificationError);
        }
      }),
    );
  });
});
