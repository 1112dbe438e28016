// Exercise 03 (reference): verify a Stripe-Signature header by hand.
import { createHmac, timingSafeEqual } from 'node:crypto';

export class SignatureError extends Error {
  override name = 'SignatureError';
}

export interface VerifyOptions {
  /** Seconds a signature stays valid either side of now (Stripe: 300). */
  toleranceS?: number;
  /** Now, in Unix seconds (tests pass it; default the clock). */
  nowS?: number;
}

/** Parses `t=…,v1=…,v1=…,v0=…`: the timestamp and every v1 signature (several during a secret rotation). */
function parseHeader(header: string): { t: number; v1: string[] } {
  let t = Number.NaN;
  const v1: string[] = [];
  for (const item of header.split(',')) {
    const i = item.indexOf('=');
    const key = item.slice(0, i).trim();
    const value = item.slice(i + 1).trim();
    if (key === 't') t = Number(value);
    else if (key === 'v1') v1.push(value);
  }
  if (!Number.isInteger(t))
    throw new SignatureError('Unable to extract timestamp and signatures from header');
  if (!v1.length) throw new SignatureError('No signatures found with expected scheme');
  return { t, v1 };
}

/**
 * Returns the parsed event when one `v1` is the HMAC-SHA256, under one of `secrets`, of `${t}.${raw body}`
 * and `t` is within the tolerance; throws a SignatureError otherwise.
 */
export function verifyStripeSignature(
  payload: string | Uint8Array,
  header: string,
  secrets: string | string[],
  opts: VerifyOptions = {},
): unknown {
  const { t, v1 } = parseHeader(header);
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
  const candidates = v1.map((s) => Buffer.from(s, 'hex'));
  const ok = (Array.isArray(secrets) ? secrets : [secrets]).some((secret) => {
    const expected = createHmac('sha256', secret).update(`${t}.`).update(body).digest();
    return candidates.some((c) => c.length === expected.length && timingSafeEqual(c, expected));
  });
  if (!ok) throw new SignatureError('No signatures found matching the expected signature for payload');
  const tolerance = opts.toleranceS ?? 300;
  const now = opts.nowS ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > tolerance) throw new SignatureError('Timestamp outside the tolerance zone');
  return JSON.parse(body.toString('utf8'));
}
