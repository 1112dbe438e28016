import { ApiError } from '@hooklab/service';
import type { Context } from 'hono';

/** Largest JSON body the API reads (rules batches are the largest). */
export const MAX_BODY_BYTES = 64 * 1024;

/** The request's JSON object body, or a 400 in X's words. */
export async function jsonObject(c: Context): Promise<Record<string, unknown>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError({
      status: 400,
      code: 'invalid_request',
      message: 'The request body must be JSON, sent with Content-Type: application/json',
    });
  }
  // Its size is capped before this by the bodyLimit middleware (app.ts).
  const text = await c.req.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError({
      status: 400,
      code: 'invalid_request',
      message: 'The request body is not valid JSON',
    });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError({
      status: 400,
      code: 'invalid_request',
      message: 'The request body must be a JSON object',
    });
  }
  return value as Record<string, unknown>;
}
