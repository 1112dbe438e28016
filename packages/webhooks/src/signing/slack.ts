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

export interface SignSlackInput {
  timestampSec: number;
  body: WebhookBody;
  /** Slack sends a single signature, so only the first secret signs. */
  secrets: string | readonly string[];
}

export interface VerifySlackInput {
  body: WebhookBody;
  headers: HeaderSource;
  /** Candidate signing secrets; any one matching is enough. */
  secrets: string | readonly string[];
  toleranceSec?: number;
  now?: NowInput;
}

function signature(secret: string, timestampSec: number, body: Buffer): string {
  return `v0=${hmac('sha256', utf8(secret), utf8(`v0:${timestampSec}:`), body).toString('hex')}`;
}

/** Builds Slack's `X-Slack-Request-Timestamp` and `X-Slack-Signature: v0=<hex>` headers. */
export function signSlack(input: SignSlackInput): {
  'X-Slack-Request-Timestamp': string;
  'X-Slack-Signature': string;
} {
  const timestampSec = checkTimestampSecInput(input.timestampSec);
  const [secret] = secretList(input.secrets);
  return {
    'X-Slack-Request-Timestamp': String(timestampSec),
    'X-Slack-Signature': signature(secret!, timestampSec, bodyBytes(input.body)),
  };
}

/** Verifies a Slack v0 request signature within a 5-minute window; returns the timestamp or throws. */
export function verifySlack(input: VerifySlackInput): { timestampSec: number } {
  const body = bodyBytes(input.body);
  const secrets = secretList(input.secrets);
  const timestampSec = parseTimestampSec(
    requireHeader(input.headers, 'x-slack-request-timestamp'),
    'X-Slack-Request-Timestamp',
  );
  const passed = requireHeader(input.headers, 'x-slack-signature');
  if (!passed.startsWith('v0=')) {
    throw new WebhookVerificationError('malformed_header', 'X-Slack-Signature must start with v0=');
  }
  checkTimestamp(timestampSec, input.toleranceSec, input.now);
  const candidate = passed.toLowerCase();
  for (const secret of secrets) {
    if (safeEqual(candidate, signature(secret, timestampSec, body))) return { timestampSec };
  }
  throw new WebhookVerificationError('no_matching_signature', 'X-Slack-Signature does not match any secret');
}
