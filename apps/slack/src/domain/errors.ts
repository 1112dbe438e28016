/** A Web API failure: `{ok:false, error, ...extra}` on the wire, always with HTTP 200. */
export class SlackError extends Error {
  constructor(
    readonly error: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(error);
    this.name = 'SlackError';
  }
}

export const fail = (error: string, extra?: Record<string, unknown>): never => {
  throw new SlackError(error, extra);
};
