import type { RouteDoc } from '@hooklab/service';
import { z } from 'zod';
import { STRIPE_ERROR_TYPES } from '../domain/errors.ts';

const FORM = 'application/x-www-form-urlencoded';
const FORM_NOTE =
  'Form-encoded, nested with brackets: `metadata[k]=v` is the `metadata` object, `items[0][x]=` and `items[]=` arrays. Every leaf is a string on the wire.';

/** Stripe's error object, as `http/errors.ts` renders every error (404s and 500s included). */
export const stripeErrorSchema = z
  .object({
    error: z.object({
      type: z.enum(STRIPE_ERROR_TYPES),
      message: z.string(),
      code: z
        .string()
        .optional()
        .describe('parameter_missing, parameter_unknown, resource_missing, card_declined…'),
      param: z
        .string()
        .optional()
        .describe('The parameter at fault, in form notation: `line_items[0][price]`.'),
      decline_code: z.string().optional(),
      payment_intent: z
        .looseObject({ id: z.string(), object: z.literal('payment_intent') })
        .optional()
        .describe('The whole PaymentIntent a card error is about.'),
      charge: z.string().optional(),
      doc_url: z.string().optional(),
    }),
  })
  .meta({ id: 'error', description: "Stripe's error object." });

const ERRORS: Record<number, string> = {
  400: 'A bad, missing or unknown parameter, a wrong state, or an Idempotency-Key reused with other parameters (`idempotency_error`).',
  401: 'No API key (`api_key_missing`) or an unknown one (`api_key_invalid`).',
  402: 'The card was declined: `card_error` with `decline_code` and the PaymentIntent.',
  403: 'A read-only `rk_` key on a write, or a publishable key on a secret route (`permission_error`).',
  404: 'No such object (`resource_missing`).',
  409: 'A request with the same Idempotency-Key is still running (`idempotency_error`).',
  413: 'The body is over `PAYMENTS_MAX_BODY_BYTES` (`request_too_large`).',
};

/**
 * A Stripe object: `id` and `object` always, the fields this stand-in fills, and more (loose). Named as in
 * Stripe's own spec (`payment_intent`, `checkout.session`), so the document lists it once under components.
 */
export const stripeObject = (object: string, fields: z.ZodRawShape = {}) =>
  z.looseObject({ id: z.string(), object: z.literal(object), ...fields }).meta({ id: object });

/** Stripe's list envelope. */
export const listOf = (item: z.ZodType) =>
  z.object({ object: z.literal('list'), url: z.string(), has_more: z.boolean(), data: z.array(item) });

/** What a DELETE answers. */
export const deletedObject = (object: string) =>
  z
    .object({ id: z.string(), object: z.literal(object), deleted: z.literal(true) })
    .meta({ id: `deleted_${object}` });

export const metadataOut = () => z.record(z.string(), z.string());

/** One route of a resource router, described with the schema its handler validates its parameters with. */
export interface StripeRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** Relative to the router's mount point, hono style: `/`, `/:id`, `/:id/confirm`. */
  path: string;
  summary: string;
  description?: string;
  /** The very schema the handler passes to `parseParams`: the form body of a POST, the query otherwise. */
  params: z.ZodType;
  /** The object answered with 200. */
  returns: z.ZodType;
  returnsDescription?: string;
  /** Error statuses beyond those every route may answer (400, 401, 403, 404 with an id, 409 and 413 on POST). */
  errors?: number[];
}

/** Security of every /v1 route: a key as Bearer token or as Basic user name. */
export const STRIPE_SECURITY: Record<string, string[]>[] = [{ bearerAuth: [] }, { basicAuth: [] }];

const stripeVersion = z
  .string()
  .optional()
  .describe('Echoed back in the `Stripe-Version` answer header (the default is this document’s version).');
const headersOf = {
  read: z.object({ 'Stripe-Version': stripeVersion }),
  write: z.object({
    'Idempotency-Key': z
      .string()
      .max(255)
      .optional()
      .describe(
        'Replays the first answer to a retry with the same key and parameters (a 400 `idempotency_error` with other ones).',
      ),
    'Stripe-Version': stripeVersion,
  }),
};

export const STRIPE_SECURITY_SCHEMES = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API key: `sk_test_hooklab` (secret), `rk_test_hooklab` (restricted, read-only) or `pk_test_hooklab` (publishable: only `GET /v1/payment_intents/{id}` with its `client_secret`).',
  },
  basicAuth: {
    type: 'http',
    scheme: 'basic',
    description: 'The key as user name and an empty password (`curl -u sk_test_hooklab:`).',
  },
} as const;

/** A router's routes as the kit's RouteDocs, under the router's mount point. */
export function stripeRouteDocs(prefix: string, tag: string, routes: readonly StripeRoute[]): RouteDoc[] {
  return routes.map((r) => {
    const path = r.path === '/' ? prefix : `${prefix}${r.path}`;
    const ids = [...path.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]!);
    const statuses = [400, 401, 403];
    if (ids.length > 0) statuses.push(404);
    if (r.method === 'POST') statuses.push(409, 413);
    statuses.push(...(r.errors ?? []));
    const responses: RouteDoc['responses'] = {
      200: { description: r.returnsDescription ?? 'The object.', schema: r.returns },
    };
    for (const s of [...new Set(statuses)].sort())
      responses[s] = { description: ERRORS[s] ?? 'An error.', schema: stripeErrorSchema };
    const doc: RouteDoc = {
      method: r.method,
      path,
      summary: r.summary,
      description: r.description,
      tags: [tag],
      security: STRIPE_SECURITY,
      headers: r.method === 'POST' ? headersOf.write : headersOf.read,
      responses,
    };
    if (ids.length > 0)
      doc.params = z.object(Object.fromEntries(ids.map((id) => [id, z.string().describe('The object id.')])));
    if (r.method === 'POST') doc.body = { schema: r.params, contentType: FORM, description: FORM_NOTE };
    else doc.query = r.params;
    return doc;
  });
}
