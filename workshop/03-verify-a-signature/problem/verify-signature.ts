// Exercise 03: verify a Stripe-Signature header by hand. Run `pnpm workshop test 03`.
// Then `pnpm dev --exercise 03`: the shop checks every payments webhook with this function.
import { createHmac } from 'node:crypto';

export class SignatureError extends Error {
  override name = 'SignatureError';
}

export interface VerifyOptions {
  /** Seconds a signature stays valid either side of now (Stripe: 300). */
  toleranceS?: number;
  /** Now, in Unix seconds (tests pass it; default the clock). */
  nowS?: number;
}

/**
 * Returns the parsed event when the header's signature is right; throws a SignatureError otherwise.
 * The header looks like `t=1733390000,v1=5257a869…,v1=…` (see the README).
 */
export function verifyStripeSignature(
  payload: string | Uint8Array,
  header: string,
  secrets: string | string[],
  opts: VerifyOptions = {},
): unknown {
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=')));
  // TODO: during a secret rotation the header carries several v1=…: keep them all, not the last one.
  const signature = parts.v1;
  const secret = Array.isArray(secrets) ? secrets[0]! : secrets;
  const body = typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8');
  // TODO: Stripe signs `${t}.${body}` (the timestamp, a dot, the raw bytes), not the body alone.
  const expected = createHmac('sha256', secret).update(body).digest('hex');
  // TODO: `!==` stops at the first differing character; compare with crypto.timingSafeEqual.
  if (signature !== expected) throw new SignatureError('signature does not match');
  // TODO: refuse a timestamp more than opts.toleranceS (300) seconds from now, either way.
  void opts;
  return JSON.parse(body);
}
