// The logistics API docs (/docs, /openapi.json): every route with the very schemas its handler validates
// with (http/input.ts); the answers are described here, after http/representations.ts.
import { createApiDocs, type ResponseDoc, type RouteDoc } from '@hooklab/service';
import { z } from 'zod';
import {
  inboundOrderSchema,
  jobIdParams,
  jobStatusQuery,
  listShipmentsQuery,
  manifestCreateSchema,
  manifestResultQuery,
  orderSchema,
  quoteCreateSchema,
  shipmentCreateSchema,
} from './input.ts';

const problemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    param: z.string().optional(),
    request_id: z.string().optional(),
  })
  .meta({ id: 'Problem' });

const problem = (description: string): ResponseDoc => ({
  description,
  schema: problemSchema,
  contentType: 'application/problem+json',
});

const API_KEY = [{ apiKey: [] }];
const iso = z.iso.datetime().nullable();

const shipmentSchema = z
  .looseObject({
    id: z.string(),
    object: z.literal('shipment'),
    order_id: z.string(),
    status: z.string().describe('The stage while running; `delivered`, `failed` or `canceled` at the end.'),
    done: z.boolean(),
    stage: z.object({ index: z.number().int(), of: z.number().int(), name: z.string() }).nullable(),
    failure_reason: z.string().nullable(),
    carrier: z.string().nullable(),
    tracking_number: z.string().nullable(),
    label_url: z.string().nullable(),
    created_at: iso,
    completed_at: iso,
    status_url: z.string(),
    result_url: z.string(),
  })
  .meta({ id: 'Shipment' });

const quoteSchema = z
  .looseObject({
    id: z.string(),
    object: z.literal('quote'),
    status: z.string().describe('`pending`, then `completed`.'),
    estimated_completion_at: iso,
    status_url: z.string(),
    result_url: z.string(),
  })
  .meta({ id: 'Quote' });

const manifestSchema = z
  .looseObject({
    id: z.string(),
    object: z.literal('manifest'),
    status: z.string(),
    date: z.string().nullable(),
    status_url: z.string(),
    result_url: z.string(),
  })
  .meta({ id: 'Manifest' });

const seeOther = z.object({ id: z.string(), status: z.string(), result_url: z.string() });

const common = {
  401: problem('No API key, or an unknown one.'),
  403: problem('A read-only key on a write.'),
};
const writes = {
  ...common,
  400: problem(
    'Malformed JSON or an invalid field (`validation_failed`, with every issue), or a callback URL refused.',
  ),
  409: problem(
    'A request with the same Idempotency-Key is still running or was made with another body; for a shipment, an order that already has one (`duplicate_order`).',
  ),
  413: problem('The body is over 64 KiB.'),
  415: problem('The body is not `application/json`.'),
};
const notFound = problem('No such job of this merchant.');
const notFinished = problem('Not finished yet: poll `status_url` (`Retry-After`).');

/** A job resource: create → 202 + Location, status → 200 while running / 303 when done, result. */
function jobDocs(o: {
  path: string;
  tag: string;
  noun: string;
  create: z.ZodType;
  createDescription: string;
  status: z.ZodType;
  result: z.ZodType;
  resultQuery?: z.ZodType;
}): RouteDoc[] {
  return [
    {
      method: 'POST',
      path: o.path,
      summary: `Start a ${o.noun}`,
      description: `${o.createDescription} Answers at once: 202 with \`Location\` (its status URL) and \`Retry-After\`. Takes an \`Idempotency-Key\`.`,
      tags: [o.tag],
      security: API_KEY,
      body: { schema: o.create },
      responses: { 202: { description: 'Accepted; poll `Location`.', schema: o.status }, ...writes },
    },
    {
      method: 'GET',
      path: `${o.path}/:id`,
      summary: `The ${o.noun}'s status`,
      tags: [o.tag],
      security: API_KEY,
      params: jobIdParams,
      query: jobStatusQuery,
      responses: {
        200: { description: 'Still running (`Retry-After`), or `view=status`.', schema: o.status },
        303: { description: 'Done: `Location` is the result.', schema: seeOther },
        ...common,
        404: notFound,
      },
    },
    {
      method: 'GET',
      path: `${o.path}/:id/result`,
      summary: `The ${o.noun}'s result`,
      tags: [o.tag],
      security: API_KEY,
      params: jobIdParams,
      ...(o.resultQuery ? { query: o.resultQuery } : {}),
      responses: {
        200: { description: 'The result.', schema: o.result },
        ...common,
        404: notFound,
        409: notFinished,
      },
    },
  ];
}

export const logisticsRouteDocs: RouteDoc[] = [
  {
    method: 'GET',
    path: '/',
    summary: 'What this service is',
    tags: ['Service'],
    security: [],
    responses: {
      200: {
        description: 'Its name and endpoints.',
        schema: z.object({
          service: z.literal('logistics'),
          docs: z.string(),
          endpoints: z.array(z.string()),
        }),
      },
    },
  },
  {
    method: 'POST',
    path: '/v1/inbound/orders',
    summary: 'Receive a merchant’s `order.created` webhook',
    description:
      'Standard Webhooks, signed with the secret of the merchant named by `x-merchant-id`; deduplicated per (merchant, `webhook-id`). `data` is an order (below); other event types are acknowledged and ignored.',
    tags: ['Webhooks in'],
    security: [],
    headers: z.object({
      'x-merchant-id': z.string().describe('Whose secret signed this.'),
      'webhook-id': z.string(),
      'webhook-timestamp': z.string().describe('Unix seconds; refused when more than 5 minutes away.'),
      'webhook-signature': z.string().describe('`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.'),
    }),
    body: { schema: inboundOrderSchema.extend({ data: orderSchema }) },
    responses: {
      202: {
        description: 'A shipment was started (`Location`).',
        schema: z.object({ shipment_id: z.string(), status_url: z.string() }),
      },
      200: {
        description: 'A duplicate delivery, or an event type that is not `order.created`.',
        schema: z.union([
          z.object({ duplicate: z.literal(true) }),
          z.object({ received: z.literal(true), ignored: z.string() }),
        ]),
      },
      400: problem('A bad signature or timestamp, or a malformed event or order.'),
      401: problem('No `x-merchant-id`, or an unknown merchant.'),
      413: problem('The body is over LOGISTICS_INBOUND_MAX_BYTES.'),
    },
  },
  ...jobDocs({
    path: '/v1/shipments',
    tag: 'Shipments',
    noun: 'shipment',
    create: shipmentCreateSchema,
    createDescription:
      'Picks, packs and labels the order in stages; `callback_url` gets signed callbacks (`shipment.fulfilled`…), `notify_url` a second copy signed with `notify_secret`.',
    status: shipmentSchema,
    result: shipmentSchema,
  }),
  {
    method: 'GET',
    path: '/v1/shipments',
    summary: 'List shipments',
    description: 'Newest first.',
    tags: ['Shipments'],
    security: API_KEY,
    query: listShipmentsQuery,
    responses: {
      200: {
        description: 'A page of shipments.',
        schema: z.object({
          object: z.literal('list'),
          url: z.string(),
          has_more: z.boolean(),
          data: z.array(shipmentSchema),
        }),
      },
      400: problem('A query parameter is invalid, or `starting_after` is not one of your shipments.'),
      ...common,
    },
  },
  {
    method: 'DELETE',
    path: '/v1/shipments/:id',
    summary: 'Cancel a shipment',
    tags: ['Shipments'],
    security: API_KEY,
    params: jobIdParams,
    responses: {
      200: { description: 'The canceled shipment.', schema: shipmentSchema },
      ...common,
      404: notFound,
      409: problem('Too late: the label is bought (`not_cancellable`).'),
    },
  },
  ...jobDocs({
    path: '/v1/quotes',
    tag: 'Quotes',
    noun: 'freight quote',
    create: quoteCreateSchema,
    createDescription: 'Prices a parcel in a few seconds (S05).',
    status: quoteSchema,
    result: z.looseObject({}).describe('The quote: carriers, prices and delivery estimates.'),
  }),
  ...jobDocs({
    path: '/v1/manifests',
    tag: 'Manifests',
    noun: 'end-of-day manifest',
    create: manifestCreateSchema,
    createDescription:
      'Writes the manifest to the blob store and announces it by reference: `manifest.ready` carries a signed URL, size and sha256 (S07).',
    status: manifestSchema,
    result: z.object({
      manifest_id: z.string(),
      date: z.string().nullable(),
      url: z.string().nullable().describe('A signed URL; `refresh=true` signs a fresh one.'),
      size: z.number().int().nullable(),
      content_type: z.string().nullable(),
      sha256: z.string().nullable(),
      expires_at: iso,
      rows: z.number().int().nullable(),
    }),
    resultQuery: manifestResultQuery,
  }),
];

const blobDoc = (method: 'GET' | 'HEAD'): RouteDoc => ({
  method,
  path: '/blobs/:key',
  summary: method === 'GET' ? 'Download a manifest by its signed URL' : 'Check a signed URL',
  description: 'Use the URL exactly as issued. Single byte ranges and ETag are supported.',
  tags: ['Blobs'],
  security: [],
  params: z.object({ key: z.string().describe('The blob key (may contain `/`).') }),
  query: z.object({ expires: z.string().describe('Unix seconds.'), signature: z.string() }),
  responses: {
    200: { description: 'The blob.', contentType: 'application/octet-stream' },
    206: { description: 'The range asked for.', contentType: 'application/octet-stream' },
    400: problem('Not a valid blob key.'),
    403: problem('The signature is missing or does not match.'),
    404: problem('No blob under this key.'),
    410: problem('The signed URL expired.'),
  },
});

/** The logistics API as OpenAPI 3.1. Blob downloads exist only with the local blob store. */
export function logisticsApiDocs(opts: { localBlobs: boolean }) {
  return createApiDocs({
    title: 'Hooklab logistics API',
    version: '1.0.0',
    description:
      'A third-party logistics provider: long jobs behind the asynchronous request–reply contract (202, `Location`, `Retry-After`, 303), signed callbacks, a webhook intake. Errors are RFC 9457 `application/problem+json`.',
    securitySchemes: {
      apiKey: {
        type: 'http',
        scheme: 'bearer',
        description: 'A merchant API key, `lg_…` (`lg_test_hooklab` in dev); a read-only key may only read.',
      },
    },
  }).add(...logisticsRouteDocs, ...(opts.localBlobs ? [blobDoc('GET'), blobDoc('HEAD')] : []));
}
