import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';

export interface ApiErrorOptions {
  status: ContentfulStatusCode;
  code: string;
  message: string;
  /** The request parameter at fault, when there is one. */
  param?: string;
  /** Extra machine-readable fields an app's wire format may carry (e.g. Stripe's decline_code). */
  extra?: Record<string, unknown>;
  headers?: Record<string, string>;
  cause?: unknown;
}

/** The one error type handlers throw; each app's `onError` renders it in that app's wire format. */
export class ApiError extends HTTPException {
  readonly code: string;
  readonly param: string | undefined;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(opts: ApiErrorOptions) {
    super(opts.status, { message: opts.message, cause: opts.cause });
    this.name = 'ApiError';
    this.code = opts.code;
    this.param = opts.param;
    this.extra = opts.extra ?? {};
    this.headers = opts.headers ?? {};
  }
}

/** What an error renderer receives: every thrown thing normalised, with 500s stripped of internals. */
export interface NormalizedError {
  status: ContentfulStatusCode;
  code: string;
  message: string;
  param?: string;
  extra: Record<string, unknown>;
  headers: Record<string, string>;
  /** Problems from validation, one per field. */
  issues?: { path: string; message: string }[];
  internal: boolean;
}

/** Turns anything thrown into a NormalizedError; never exposes an internal message. */
export function normalizeError(err: unknown): NormalizedError {
  if (err instanceof ApiError) {
    return {
      status: err.status as ContentfulStatusCode,
      code: err.code,
      message: err.message,
      param: err.param,
      extra: err.extra,
      headers: err.headers,
      internal: false,
    };
  }
  if (err instanceof z.ZodError) {
    const issues = err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const first = issues[0];
    return {
      status: 400,
      code: 'validation_failed',
      message: first ? `${first.path || 'body'}: ${first.message}` : 'Invalid request',
      param: first?.path || undefined,
      extra: {},
      headers: {},
      issues,
      internal: false,
    };
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    return {
      status,
      code: status === 413 ? 'payload_too_large' : status === 401 ? 'unauthorized' : 'http_error',
      message: err.message || 'Request failed',
      extra: {},
      headers: {},
      internal: false,
    };
  }
  if (err instanceof SyntaxError) {
    return {
      status: 400,
      code: 'malformed_body',
      message: 'The request body could not be parsed',
      extra: {},
      headers: {},
      internal: false,
    };
  }
  return {
    status: 500,
    code: 'internal_error',
    message: 'An internal error occurred',
    extra: {},
    headers: {},
    internal: true,
  };
}

/** Renders an error as RFC 9457 problem+json: the default wire format of Hooklab's own APIs. */
export function problemResponse(c: Context, e: NormalizedError): Response {
  const body: Record<string, unknown> = {
    type: `https://hooklab.dev/problems/${e.code}`,
    title: e.message,
    status: e.status,
    code: e.code,
  };
  if (e.param) body.param = e.param;
  if (e.issues) body.issues = e.issues;
  const requestId = c.get('requestId' as never) as string | undefined;
  if (requestId) body.request_id = requestId;
  Object.assign(body, e.extra);
  return new Response(JSON.stringify(body), {
    status: e.status,
    headers: { 'content-type': 'application/problem+json', ...e.headers },
  });
}

/** Shorthands for the common cases. */
export const errors = {
  badRequest: (message: string, param?: string, code = 'invalid_request') =>
    new ApiError({ status: 400, code, message, param }),
  unauthorized: (message = 'Missing or invalid credentials') =>
    new ApiError({ status: 401, code: 'unauthorized', message }),
  forbidden: (message = 'This key may not do that') =>
    new ApiError({ status: 403, code: 'forbidden', message }),
  notFound: (what: string) => new ApiError({ status: 404, code: 'not_found', message: `${what} not found` }),
  conflict: (message: string, code = 'conflict') => new ApiError({ status: 409, code, message }),
};
