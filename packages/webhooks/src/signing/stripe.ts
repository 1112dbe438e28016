import {
  bodyBytes,
  checkTimestamp,
  checkTimestampSecInput,
  type HeaderSource,
  hmac,
  type NowInput,
  parseTimestampSec,
  requireHeader,
  safeEqual,
  secretList,
  utf8,
  type WebhookBody,
} from './crypto-utils.ts';
import { WebhookVerificationError } from './errors.ts';

export interface SignStripeInput {
  timestampSec: number;
  body: WebhookBody;
  /** `whsec_…` secrets; each adds one `v1=` entry (Stripe sends several during rotation). */
  secrets: string | readonly string[];
}

export interface VerifyStripeInput {
  body: WebhookBody;
  headers: HeaderSource;
  secrets: string | readonly string[];
  toleranceSec?: number;
  now?: NowInput;
}

function signature(secret: string, timestampSec: number, body: Buffer): string {
  // Stripe: the key is the whole `whsec_…` string as UTF-8, not base64-decoded.
  return hmac('sha256', utf8(secret), utf8(`${timestampSec}.`), body).toString('hex');
}

/** Builds a `Stripe-Signature` header: `t=<unix>,v1=<hex>[,v1=<hex>…]`, no spaces. */
export function signStripe(input: SignStripeInput): { 'Stripe-Signature': string } {
  const timestampSec = checkTimestampSecInput(input.timestampSec);
  const body = bodyBytes(input.body);
  const entries = secretList(input.secrets).map((secret) => `v1=${signature(secret, timestampSec, body)}`);
  return { 'Stripe-Signature': [`t=${timestampSec}`, ...entries].join(',') };
}

/** Verifies a `Stripe-Signature` header (300 s tolerance both ways); returns its timestamp or throws. */
export function verifyStripe(input: VerifyStripeInput): { timestampSec: number } {
  const body = bodyBytes(input.body);
  const secrets = secretList(input.secrets);
  const header = requireHeader(input.headers, 'stripe-signature');

  let timestamp: string | undefined;
  const passed: string[] = [];
  for (const item of header.split(',')) {
    const eq = item.indexOf('=');
    if (eq <= 0) continue;
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (key === 't') timestamp ??= value;
    else if (key === 'v1') passed.push(value.toLowerCase());
  }
  if (timestamp === undefined) {
    throw new WebhookVerificationError('malformed_header', 'Stripe-Signature has no t= timestamp');
  }
  const timestampSec = parseTimestampSec(timestamp, 'Stripe-Signature t');
  if (passed.length === 0) {
    throw new WebhookVerificationError('malformed_header', 'Stripe-Signature has no v1= signature');
  }
  checkTimestamp(timestampSec, input.toleranceSec, input.now);
  for (const secret of secrets) {
    const expected = signature(secret, timestampSec, body);
    if (passed.some((candidate) => safeEqual(candidate, expected))) return { timestampSec };
  }
  throw new WebhookVerificationError(
    'no_matching_signature',
    'no v1 signature in Stripe-Signature matches any secret',
  );
}
