import { createHmac, timingSafeEqual } from 'node:crypto';
import { MAX_EXPIRY_SEC } from './types.ts';

/** Slack for a signer whose clock runs ahead of ours. */
const CLOCK_SKEW_SEC = 300;

/** HMAC-SHA256 (hex) over the key and expiry: what a local signed URL carries in `signature`. */
export function signBlobUrl(secret: string, key: string, expiresSec: number): string {
  return createHmac('sha256', secret).update(`${key}\n${expiresSec}`).digest('hex');
}

export type UrlCheck = 'ok' | 'tampered' | 'expired';

/**
 * Checks a signed URL's parameters; the signature is checked first so a forged expiry cannot pass as merely
 * expired, and an expiry beyond the 7-day cap is refused as tampered.
 */
export function checkBlobUrl(
  secret: string,
  key: string,
  expires: string | undefined,
  signature: string | undefined,
  nowMs: number,
): UrlCheck {
  if (!expires || !signature || !/^\d{1,12}$/.test(expires) || !/^[0-9a-f]{64}$/.test(signature))
    return 'tampered';
  const expected = Buffer.from(signBlobUrl(secret, key, Number(expires)), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return 'tampered';
  // No link lives longer than MAX_EXPIRY_SEC, even one signed elsewhere (or with a leaked secret).
  if (Number(expires) * 1000 > nowMs + (MAX_EXPIRY_SEC + CLOCK_SKEW_SEC) * 1000) return 'tampered';
  return Number(expires) * 1000 <= nowMs ? 'expired' : 'ok';
}
