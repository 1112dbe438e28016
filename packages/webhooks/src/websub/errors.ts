export type WebSubErrorCode =
  | 'no_hub'
  | 'topic_unreachable'
  | 'hub_refused'
  | 'hub_unreachable'
  | 'denied'
  | 'not_subscribed'
  | 'invalid_argument';

/** A WebSub subscriber failure, with a stable `code` and, for HTTP answers, the status and reason text. */
export class WebSubError extends Error {
  constructor(
    readonly code: WebSubErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'WebSubError';
  }
}
