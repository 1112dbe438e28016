import { createHmac, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import {
  bodyBytes,
  checkTimestamp,
  checkTimestampSecInput,
  type HeaderSource,
  type NowInput,
  parseTimestampSec,
  requireHeader,
  safeEqual,
  secretList,
  type WebhookBody,
} from './crypto-utils.ts';
import { WebhookVerificationError } from './errors.ts';

const SECRET_PREFIX = 'whsec_';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;
const MESSAGE_ID = /^[\x21-\x7e]{1,256}$/;

export type StandardWebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

export interface SignStandardInput {
  id: string;
  timestampSec: number;
  body: WebhookBody;
  /** One or more `whsec_…` secrets; each yields one `v1,…` entry (rotation). */
  secrets: string | readonly string[];
}

export interface VerifyStandardInput {
  body: WebhookBody;
  headers: HeaderSource;
  /** Candidate secrets; any one matching is enough (rotation overlap). */
  secrets: string | readonly string[];
  toleranceSec?: number;
  now?: NowInput;
}

/** Generates a Standard Webhooks secret: `whsec_` + base64 of `bytes` (24–64) random bytes. */
export function generateStandardSecret(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 24 || bytes > 64) {
    throw new WebhookVerificationError('invalid_argument', 'a Standard Webhooks secret has 24 to 64 bytes');
  }
  return SECRET_PREFIX + randomBytes(bytes).toString('base64');
}

/** Decodes a `whsec_…` (or bare base64) secret into its key bytes. */
export function decodeStandardSecret(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (encoded.length === 0 || !BASE64.test(encoded)) {
    throw new WebhookVerificationError(
      'invalid_secret',
      'a Standard Webhooks secret must be whsec_ followed by base64',
    );
  }
  return Buffer.from(encoded, 'base64');
}

// Senders and receivers use the same few secrets again and again: keep their decoded key objects
// instead of running the base64 check and decode per signature. Bounded; only valid secrets are cached.
const KEY_CACHE_MAX = 256;
const keyCache = new Map<string, KeyObject>();

function signingKey(secret: string): KeyObject {
  let key = keyCache.get(secret);
  if (key === undefined) {
    key = createSecretKey(decodeStandardSecret(secret));
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.delete(keyCache.keys().next().value as string);
    keyCache.set(secret, key);
  }
  return key;
}

/** Standard Webhooks signs `${id}.${timestamp}.${body}`; a string body is hashed without a copy. */
function signWith(key: KeyObject, prefix: string, body: string | Buffer): string {
  return createHmac('sha256', key).update(prefix).update(body).digest('base64');
}

/** Signs a message the Standard Webhooks way (also what `svix` and `standardwebhooks` verify). */
export function signStandard(input: SignStandardInput): StandardWebhookHeaders {
  const { id } = input;
  if (typeof id !== 'string' || !MESSAGE_ID.test(id)) {
    throw new WebhookVerificationError('invalid_argument', 'id must be 1–256 printable ASCII characters');
  }
  const timestampSec = checkTimestampSecInput(input.timestampSec);
  const body = typeof input.body === 'string' ? input.body : bodyBytes(input.body);
  const secrets = secretList(input.secrets);
  const prefix = `${id}.${timestampSec}.`;
  let header = '';
  for (let i = 0; i < secrets.length; i++) {
    const entry = `v1,${signWith(signingKey(secrets[i]!), prefix, body)}`;
    header = i === 0 ? entry : `${header} ${entry}`;
  }
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSec),
    'webhook-signature': header,
  };
}

/** Verifies Standard Webhooks headers; returns the message id and timestamp or throws WebhookVerificationError. */
export function verifyStandard(input: VerifyStandardInput): { id: string; timestampSec: number } {
  const body = bodyBytes(input.body);
  const keys = secretList(input.secrets).map(signingKey);
  const id = requireHeader(input.headers, 'webhook-id');
  const timestampSec = parseTimestampSec(
    requireHeader(input.headers, 'webhook-timestamp'),
    'webhook-timestamp',
  );
  const header = requireHeader(input.headers, 'webhook-signature');
  checkTimestamp(timestampSec, input.toleranceSec, input.now);

  // Spec: space-delimited `version,signature` pairs; only v1 (symmetric) is ours to check.
  const passed = header
    .split(' ')
    .map((entry) => entry.split(','))
    .filter((parts) => parts.length === 2 && parts[0] === 'v1')
    .map((parts) => parts[1] ?? '');
  if (passed.length === 0) {
    throw new WebhookVerificationError('malformed_header', 'webhook-signature has no v1 signature');
  }
  for (const key of keys) {
    const expected = signWith(key, `${id}.${timestampSec}.`, body);
    if (passed.some((candidate) => safeEqual(candidate, expected))) return { id, timestampSec };
  }
  throw new WebhookVerificationError(
    'no_matching_signature',
    'no webhook-signature entry matches any secret',
  );
}
