import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type ReceiverProblemCode =
  | 'payload_too_large'
  | 'no_secret'
  | 'duplicate_in_flight'
  | 'receiver_misconfigured'
  | (string & {});

/** Answers an RFC 9457 problem: `{type, title, status, detail, code}` as application/problem+json. */
export function problem(
  c: Context,
  status: ContentfulStatusCode,
  code: ReceiverProblemCode,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
): Response {
  const body = { type: `urn:hooklab:problem:${code}`, title, status, detail, code };
  return c.body(JSON.stringify(body), status, { ...headers, 'content-type': 'application/problem+json' });
}
