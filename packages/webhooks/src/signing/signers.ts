import type { HeaderSource, NowInput, WebhookBody } from './crypto-utils.ts';
import { readHeader } from './crypto-utils.ts';
import { type HubAlgorithm, signHub, verifyHub } from './hub.ts';
import { signSlack, verifySlack } from './slack.ts';
import { signStandard, verifyStandard } from './standard.ts';
import { signStripe, verifyStripe } from './stripe.ts';
import { signX, verifyX } from './x.ts';

export type SigningScheme =
  | 'standard'
  | 'stripe'
  | 'slack'
  | 'hub-sha1'
  | 'hub-sha256'
  | 'hub-sha384'
  | 'hub-sha512'
  | 'x'
  | 'none';

export const SIGNING_SCHEMES: readonly SigningScheme[] = [
  'standard',
  'stripe',
  'slack',
  'hub-sha1',
  'hub-sha256',
  'hub-sha384',
  'hub-sha512',
  'x',
  'none',
];

export interface SignParams {
  /** Message id; only `standard` puts it on the wire. */
  id: string;
  /** Unix seconds of this attempt (each retry is signed afresh). */
  timestampSec: number;
  body: WebhookBody;
  secrets: string | readonly string[];
}

export interface VerifyParams {
  body: WebhookBody;
  headers: HeaderSource;
  secrets: string | readonly string[];
  toleranceSec?: number;
  now?: NowInput;
}

export interface VerifiedSignature {
  scheme: SigningScheme;
  /** The sender's message id when the scheme carries one in a header (`standard`). */
  id?: string;
  timestampSec?: number;
  /** The raw signature header value (empty for `none`); receivers hash it as a fallback replay key. */
  signature: string;
}

export interface Signer {
  readonly scheme: SigningScheme;
  /** Header that carries the signature, lowercase; null for `none`. */
  readonly signatureHeader: string | null;
  sign(params: SignParams): Record<string, string>;
  verify(params: VerifyParams): VerifiedSignature;
}

function hubSigner(algorithm: HubAlgorithm): Signer {
  const scheme = `hub-${algorithm}` as SigningScheme;
  return {
    scheme,
    signatureHeader: 'x-hub-signature',
    sign: ({ body, secrets }) => signHub({ algorithm, body, secrets }),
    // The signature returned is the header verifyHub actually checked (used as the dedupe key).
    verify: (params) => ({ scheme, signature: verifyHub(params).signature }),
  };
}

/** Signers and verifiers by scheme name, so the dispatcher signs each attempt from an endpoint's config. */
export const signers: Readonly<Record<SigningScheme, Signer>> = {
  standard: {
    scheme: 'standard',
    signatureHeader: 'webhook-signature',
    sign: (params) => signStandard(params),
    verify: (params) => ({
      scheme: 'standard',
      ...verifyStandard(params),
      signature: readHeader(params.headers, 'webhook-signature') ?? '',
    }),
  },
  stripe: {
    scheme: 'stripe',
    signatureHeader: 'stripe-signature',
    sign: (params) => signStripe(params),
    verify: (params) => ({
      scheme: 'stripe',
      ...verifyStripe(params),
      signature: readHeader(params.headers, 'stripe-signature') ?? '',
    }),
  },
  slack: {
    scheme: 'slack',
    signatureHeader: 'x-slack-signature',
    sign: (params) => signSlack(params),
    verify: (params) => ({
      scheme: 'slack',
      ...verifySlack(params),
      signature: readHeader(params.headers, 'x-slack-signature') ?? '',
    }),
  },
  'hub-sha1': hubSigner('sha1'),
  'hub-sha256': hubSigner('sha256'),
  'hub-sha384': hubSigner('sha384'),
  'hub-sha512': hubSigner('sha512'),
  x: {
    scheme: 'x',
    signatureHeader: 'x-twitter-webhooks-signature',
    sign: (params) => signX(params),
    verify: (params) => {
      verifyX(params);
      return { scheme: 'x', signature: readHeader(params.headers, 'x-twitter-webhooks-signature') ?? '' };
    },
  },
  none: {
    scheme: 'none',
    signatureHeader: null,
    sign: () => ({}),
    verify: () => ({ scheme: 'none', signature: '' }),
  },
};

/**
 * The outbox scheme for WebSub's `X-Hub-Signature` with this algorithm (`hub-sha256` by default): the
 * algorithm travels in the scheme name, so a message's `signing` stays `{ scheme, secrets }`.
 */
export function hubSigningScheme(algorithm: HubAlgorithm = 'sha256'): SigningScheme {
  const scheme = `hub-${algorithm}`;
  if (!isSigningScheme(scheme))
    throw new TypeError(`unsupported X-Hub-Signature algorithm ${String(algorithm)}`);
  return scheme;
}

/** True when `value` names a scheme in `signers`. */
export function isSigningScheme(value: unknown): value is SigningScheme {
  return typeof value === 'string' && (SIGNING_SCHEMES as readonly string[]).includes(value);
}
