import { ApiError, errors } from '@hooklab/service';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';

export const MAX_JSON_BYTES = 64 * 1024;

/** A JSON body within the size limit: 413 problem+json when too big. */
export const jsonBodyLimit = bodyLimit({
  maxSize: MAX_JSON_BYTES,
  onError: () => {
    throw new ApiError({
      status: 413,
      code: 'payload_too_large',
      message: `The body is larger than ${MAX_JSON_BYTES} bytes`,
    });
  },
});

/** The request's JSON body, or a problem: 415 for another content type, 400 when malformed. */
export async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new ApiError({
      status: 415,
      code: 'unsupported_media_type',
      message: 'Send the body as application/json',
    });
  }
  try {
    return await c.req.json();
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw errors.badRequest('The body is not valid JSON', undefined, 'malformed_body');
  }
}
