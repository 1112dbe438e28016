export type { HeaderSource, HmacAlgorithm, NowInput, WebhookBody } from './crypto-utils.ts';
export { DEFAULT_TOLERANCE_SEC } from './crypto-utils.ts';
export {
  isWebhookVerificationError,
  WebhookVerificationError,
  type WebhookVerificationErrorCode,
} from './errors.ts';
export {
  HUB_ALGORITHMS,
  type HubAlgorithm,
  type SignHubInput,
  signHub,
  type VerifyHubInput,
  verifyHub,
} from './hub.ts';
export {
  hubSigningScheme,
  isSigningScheme,
  SIGNING_SCHEMES,
  type Signer,
  type SigningScheme,
  type SignParams,
  signers,
  type VerifiedSignature,
  type VerifyParams,
} from './signers.ts';
export { type SignSlackInput, signSlack, type VerifySlackInput, verifySlack } from './slack.ts';
export {
  decodeStandardSecret,
  generateStandardSecret,
  type SignStandardInput,
  type StandardWebhookHeaders,
  signStandard,
  type VerifyStandardInput,
  verifyStandard,
} from './standard.ts';
export { type SignStripeInput, signStripe, type VerifyStripeInput, verifyStripe } from './stripe.ts';
export {
  createXCrcResponse,
  type SignXInput,
  signX,
  type VerifyXCrcInput,
  type VerifyXInput,
  verifyX,
  verifyXCrcResponse,
} from './x.ts';
