import {
  bodyBytes,
  type HeaderSource,
  hmac,
  requireHeader,
  safeEqual,
  secretList,
  utf8,
  type WebhookBody,
} from './crypto-utils.ts';
import { WebhookVerificationError } from './errors.ts';

export interface SignXInput {
  body: WebhookBody;
  /** The app's consumer secret; only the first one signs. */
  secrets: string | readonly string[];
}

export interface VerifyXInput {
  body: WebhookBody;
  headers: HeaderSource;
  secrets: string | readonly string[];
}

export interface VerifyXCrcInput {
  crcToken: string;
  /** The JSON the webhook answered to the CRC GET, already parsed; anything else is refused. */
  response: unknown;
  secrets: string | readonly string[];
}

function base64Signature(secret: string, message: Buffer): string {
  return `sha256=${hmac('sha256', utf8(secret), message).toString('base64')}`;
}

/** Answers an X (Twitter) CRC challenge: `{response_token: "sha256=" + base64(HMAC-SHA256(secret, crc_token))}`. */
export function createXCrcResponse(crcToken: string, consumerSecret: string): { response_token: string } {
  if (typeof crcToken !== 'string' || crcToken.length === 0) {
    throw new WebhookVerificationError('invalid_argument', 'crc_token must be a non-empty string');
  }
  const [secret] = secretList(consumerSecret);
  return { response_token: base64Signature(secret!, utf8(crcToken)) };
}

/** Checks a webhook's CRC answer (the sender's side of the challenge); throws when it is wrong. */
export function verifyXCrcResponse(input: VerifyXCrcInput): void {
  const secrets = secretList(input.secrets);
  if (typeof input.crcToken !== 'string' || input.crcToken.length === 0) {
    throw new WebhookVerificationError('invalid_argument', 'crc_token must be a non-empty string');
  }
  const token =
    input.response !== null && typeof input.response === 'object'
      ? (input.response as { response_token?: unknown }).response_token
      : undefined;
  if (typeof token !== 'string') {
    throw new WebhookVerificationError('no_matching_signature', 'CRC response has no response_token string');
  }
  for (const secret of secrets) {
    if (safeEqual(token, base64Signature(secret, utf8(input.crcToken)))) return;
  }
  throw new WebhookVerificationError('no_matching_signature', 'CRC response_token does not match');
}

/** Builds `x-twitter-webhooks-signature: sha256=<base64 HMAC-SHA256(consumer secret, body)>`. */
export function signX(input: SignXInput): { 'x-twitter-webhooks-signature': string } {
  const [secret] = secretList(input.secrets);
  return { 'x-twitter-webhooks-signature': base64Signature(secret!, bodyBytes(input.body)) };
}

/** Verifies an X-style body signature (base64, not hex); the scheme has no timestamp, so dedupe replays. */
export function verifyX(input: VerifyXInput): Record<string, never> {
  const body = bodyBytes(input.body);
  const secrets = secretList(input.secrets);
  const passed = requireHeader(input.headers, 'x-twitter-webhooks-signature');
  if (!passed.startsWith('sha256=')) {
    throw new WebhookVerificationError(
      'unsupported_algorithm',
      'x-twitter-webhooks-signature must start with sha256=',
    );
  }
  for (const secret of secrets) {
    if (safeEqual(passed, base64Signature(secret, body))) return {};
  }
  throw new WebhookVerificationError(
    'no_matching_signature',
    'x-twitter-webhooks-signature does not match any secret',
  );
}
