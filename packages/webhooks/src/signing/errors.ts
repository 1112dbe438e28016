/** Why a webhook signature was refused (or could not be produced). */
export type WebhookVerificationErrorCode =
  | 'missing_header'
  | 'malformed_header'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'no_matching_signature'
  | 'unsupported_algorithm'
  | 'invalid_secret'
  | 'invalid_body'
  | 'invalid_argument';

/** The one error every signer and verifier throws; `code` is stable, `message` is for humans. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  readonly code: WebhookVerificationErrorCode;

  constructor(code: WebhookVerificationErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** True when `err` is a WebhookVerificationError (also across duplicated module copies). */
export function isWebhookVerificationError(err: unknown): err is WebhookVerificationError {
  return (
    err instanceof WebhookVerificationError ||
    (err instanceof Error &&
      err.name === 'WebhookVerificationError' &&
      typeof (err as { code?: unknown }).code === 'string')
  );
}
