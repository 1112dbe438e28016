import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Constant-time equality for a secret a client presents (a PaymentIntent's client_secret). Both sides are
 * hashed to 32 bytes first, so neither the length nor the first differing byte shows in the timing.
 */
export function sameSecret(given: string | null | undefined, expected: string): boolean {
  const equal = timingSafeEqual(digest(given ?? ''), digest(expected));
  return equal && typeof given === 'string' && given.length > 0;
}
