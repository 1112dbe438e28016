import { ApiError, bodyLimit, errors } from '@hooklab/service';
import type { Context } from 'hono';

export const MAX_JSON_BYTES = 64 * 1024;

/** A JSON body within the size limit: 413 problem+json when too big. */
export const jsonBodyLimit = bodyLimit({ maxBytes: MAX_JSON_BYTES });

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
