import { ApiError, type ErrorRenderer } from '@hooklab/service';

/** X's problem types (api.x.com/2/problems/…), by the code our errors carry. */
const PROBLEMS: Record<string, { type: string; title: string }> = {
  unauthorized: { type: 'about:blank', title: 'Unauthorized' },
  invalid_token: { type: 'about:blank', title: 'Unauthorized' },
  forbidden: { type: 'https://api.x.com/2/problems/not-authorized-for-resource', title: 'Forbidden' },
  not_found: { type: 'https://api.x.com/2/problems/resource-not-found', title: 'Not Found Error' },
  invalid_rules: { type: 'https://api.x.com/2/problems/invalid-rules', title: 'Invalid Rules' },
  crc_validation_failed: {
    type: 'https://api.x.com/2/problems/invalid-request',
    title: 'CRC Validation Failed',
  },
  duplicate_url: { type: 'https://api.x.com/2/problems/duplicate-url', title: 'Duplicate URL' },
  limit_exceeded: { type: 'https://api.x.com/2/problems/usage-capped', title: 'Usage Capped' },
  payload_too_large: { type: 'https://api.x.com/2/problems/invalid-request', title: 'Payload Too Large' },
};

/**
 * X API v2's error shape (RFC 7807 problem JSON): `{title, detail, type, status, errors?}`, plus `code`,
 * Hooklab's machine-readable name for it. Parameter problems carry X's `errors:[{parameters, message}]`.
 */
export const renderXError: ErrorRenderer = (c, e) => {
  const known = PROBLEMS[e.code];
  const invalid = e.status === 400 && !known;
  const body: Record<string, unknown> = {
    title: known?.title ?? (invalid ? 'Invalid Request' : e.status >= 500 ? 'Internal Error' : 'Error'),
    detail:
      e.status === 404 && e.code === 'not_found' && !e.param
        ? `No route for ${c.req.method} ${c.req.path}; see apps/social/README.md for the routes this X stand-in serves`
        : e.message,
    type: known?.type ?? (invalid ? 'https://api.x.com/2/problems/invalid-request' : 'about:blank'),
    status: e.status,
    code: e.code,
  };
  const errors =
    e.extra.errors ??
    (e.param ? [{ parameters: { [e.param]: [e.extra.value ?? null] }, message: e.message }] : undefined);
  if (errors) body.errors = errors;
  for (const [k, v] of Object.entries(e.extra)) if (k !== 'errors' && k !== 'value') body[k] = v;
  return new Response(JSON.stringify(body), {
    status: e.status,
    headers: { 'content-type': 'application/problem+json', ...e.headers },
  });
};

/** A 400 about one request parameter, as X words them. */
export function invalidParam(param: string, message: string, value?: unknown): ApiError {
  return new ApiError({
    status: 400,
    code: 'invalid_request',
    message,
    param,
    extra: { value: value === undefined ? null : value },
  });
}

export function notFound(resource: string, id: string, param = 'id'): ApiError {
  return new ApiError({
    status: 404,
    code: 'not_found',
    message: `Could not find ${resource} with ${param}: [${id}].`,
    param,
    extra: {
      errors: [
        {
          value: id,
          detail: `Could not find ${resource} with ${param}: [${id}].`,
          resource_type: resource,
          parameter: param,
          resource_id: id,
          title: 'Not Found Error',
          type: 'https://api.x.com/2/problems/resource-not-found',
        },
      ],
    },
  });
}
