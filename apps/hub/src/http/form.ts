// The hub endpoint's dialect: a form POST in, plain-text reasons out (WebSub §5.1: 4xx with a reason).
import type { Context } from 'hono';

export const MAX_FORM_BYTES = 64 * 1024;

/** A plain-text refusal; the subscriber or publisher reads the reason as is. */
export function plainError(c: Context, status: 400 | 413 | 415, reason: string): Response {
  return c.text(`${reason}\n`, status);
}

/** The request's form, or a plain-text refusal when it is not `application/x-www-form-urlencoded`. */
export async function readForm(c: Context): Promise<URLSearchParams | Response> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded')
    return plainError(c, 415, 'The hub takes application/x-www-form-urlencoded form posts');
  return new URLSearchParams(await c.req.text());
}
