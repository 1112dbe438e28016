import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit as honoBodyLimit } from 'hono/body-limit';
import { ApiError, normalizeError, problemResponse } from './errors.ts';

export interface BodyLimitOptions {
  maxBytes: number;
  /** The app's answer; default a 413 problem+json `payload_too_large`. May throw an ApiError for the app's onError. */
  onTooLarge?: (c: Context) => Response | Promise<Response>;
}

/** The one request-size guard: refuses on Content-Length up front and while counting a streamed body. */
export function bodyLimit(opts: BodyLimitOptions): MiddlewareHandler {
  const tooLarge = (c: Context) =>
    problemResponse(
      c,
      normalizeError(
        new ApiError({
          status: 413,
          code: 'payload_too_large',
          message: `Request bodies are limited to ${opts.maxBytes} bytes`,
        }),
      ),
    );
  return honoBodyLimit({ maxSize: opts.maxBytes, onError: opts.onTooLarge ?? tooLarge });
}
