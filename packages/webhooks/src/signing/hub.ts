import { createHmac } from 'node:crypto';
import {
  bodyBytes,
  type HeaderSource,
  type HmacAlgorithm,
  hmac,
  MAX_HEADER_LENGTH,
  readHeader,
  safeEqual,
  secretList,
  type WebhookBody,
} from './crypto-utils.ts';
import { WebhookVerificationError } from './errors.ts';

export type HubAlgorithm = HmacAlgorithm;

export const HUB_ALGORITHMS: readonly HubAlgorithm[] = ['sha1', 'sha256', 'sha384', 'sha512'];

export interface SignHubInput {
  algorithm: HubAlgorithm;
  body: WebhookBody;
  /** The subscription's `hub.secret`; only the first one signs (the header carries one signature). */
  secrets: string | readonly string[];
}

export interface VerifyHubInput {
  body: WebhookBody;
  headers: HeaderSource;
  secrets: string | readonly string[];
  /** Algorithms accepted from the sender; default all four WebSub allows. */
  algorithms?: readonly HubAlgorithm[];
}

function isHubAlgorithm(value: unknown): value is HubAlgorithm {
  return typeof value === 'string' && (HUB_ALGORITHMS as readonly string[]).includes(value);
}

/** Builds `X-Hub-Signature: <algo>=<hex>` (WebSub §8), plus GitHub's `X-Hub-Signature-256` for sha256. */
export function signHub(input: SignHubInput): Record<string, string> {
  if (!isHubAlgorithm(input.algorithm)) {
    throw new WebhookVerificationError(
      'unsupported_algorithm',
      `unsupported algorithm ${String(input.algorithm)}`,
    );
  }
  const [secret] = secretList(input.secrets);
  const mac = createHmac(input.algorithm, secret!); // a string key is its UTF-8 bytes
  const value = `${input.algorithm}=${mac.update(signedBytes(input.body)).digest('hex')}`;
  return input.algorithm === 'sha256'
    ? { 'X-Hub-Signature': value, 'X-Hub-Signature-256': value }
    : { 'X-Hub-Signature': value };
}

// A fan-out signs one body for every subscriber, each with its own secret: its bytes are encoded once.
let lastBody = '';
let lastBytes: Buffer = Buffer.alloc(0);
function signedBytes(body: WebhookBody): Buffer {
  if (typeof body !== 'string') return bodyBytes(body);
  if (body !== lastBody) {
    lastBytes = Buffer.from(body, 'utf8');
    lastBody = body;
  }
  return lastBytes;
}

/** Verifies `X-Hub-Signature-256` or `X-Hub-Signature`, taking the algorithm from the prefix. */
export function verifyHub(input: VerifyHubInput): { algorithm: HubAlgorithm; signature: string } {
  const body = bodyBytes(input.body);
  const secrets = secretList(input.secrets);
  const allowed = input.algorithms ?? HUB_ALGORITHMS;
  const header =
    readHeader(input.headers, 'x-hub-signature-256')?.trim() ||
    readHeader(input.headers, 'x-hub-signature')?.trim();
  if (!header) throw new WebhookVerificationError('missing_header', 'missing X-Hub-Signature header');
  if (header.length > MAX_HEADER_LENGTH) {
    throw new WebhookVerificationError('malformed_header', 'X-Hub-Signature header is too long');
  }
  const eq = header.indexOf('=');
  if (eq <= 0) {
    throw new WebhookVerificationError(
      'malformed_header',
      'X-Hub-Signature must look like <algorithm>=<hex>',
    );
  }
  const algorithm = header.slice(0, eq).toLowerCase();
  if (!isHubAlgorithm(algorithm) || !allowed.includes(algorithm)) {
    throw new WebhookVerificationError(
      'unsupported_algorithm',
      `X-Hub-Signature algorithm ${JSON.stringify(algorithm.slice(0, 32))} is not accepted`,
    );
  }
  const passed = header.slice(eq + 1).toLowerCase();
  for (const secret of secrets) {
    const expected = hmac(algorithm, Buffer.from(secret, 'utf8'), body).toString('hex');
    if (safeEqual(passed, expected)) return { algorithm, signature: header };
  }
  throw new WebhookVerificationError('no_matching_signature', 'X-Hub-Signature does not match any secret');
}
