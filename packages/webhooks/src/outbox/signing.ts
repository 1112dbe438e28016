// The engine's only door to the signer registry (src/signing), so the scheme type lives in one place.
import { signers } from '../signing/index.ts';

export type SigningScheme = keyof typeof signers;

export const signingSchemes = Object.keys(signers) as SigningScheme[];

/** Signature headers for one attempt; the timestamp is fresh every attempt (Stripe's `t=`). */
export function signHeaders(
  scheme: SigningScheme,
  input: { id: string; timestampSec: number; body: string; secrets: string[] },
): Record<string, string> {
  const signer = signers[scheme];
  if (!signer) throw new TypeError(`unknown signing scheme "${String(scheme)}"`);
  return signer.sign(input);
}
