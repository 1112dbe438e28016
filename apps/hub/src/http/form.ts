// The hub endpoint's dialect: a form POST in, plain-text reasons out (WebSub §5.1: "a description of the
// error in the response body as plain text"). A client that asks for JSON alone gets problem+json instead.
import { ApiError, normalizeError, problemResponse } from '@hooklab/service';
import type { Context } from 'hono';

export const MAX_FORM_BYTES = 64 * 1024;

const CODES = { 400: 'invalid_request', 413: 'payload_too_large', 415: 'unsupported_media_type' } as const;

function wantsJsonOnly(c: Context): boolean {
  const accept = (c.req.header('accept') ?? '').toLowerCase();
  return /json/.test(accept) && !/text\/plain|\*\/\*/.test(accept);
}

/** A refusal with its reason: plain text (the subscriber or publisher reads it as is), or problem+json on request. */
export function plainError(c: Context, status: 400 | 413 | 415, reason: string): Response {
  if (wantsJsonOnly(c))
    return problemResponse(c, normalizeError(new ApiError({ status, code: CODES[status], message: reason })));
  return c.text(`${reason}\n`, status);
}

/** The request's form, or a refusal when it is not `application/x-www-form-urlencoded`. */
export async function readForm(c: Context): Promise<URLSearchParams | Response> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded')
    return plainError(c, 415, 'The hub takes application/x-www-form-urlencoded form posts');
  return new URLSearchParams(await c.req.text());
}
