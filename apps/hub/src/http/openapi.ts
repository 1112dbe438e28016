// The hub's API docs (/docs, /openapi.json): the WebSub endpoint and the read-only JSON API, with the
// schemas the handlers validate with (http/query.ts).
import { createApiDocs, type ResponseDoc, type RouteDoc } from '@hooklab/service';
import { z } from 'zod';
import { deliveriesQuery, limitQuery, subscriptionsQuery } from './query.ts';

const problem = (description: string): ResponseDoc => ({
  description,
  contentType: 'application/problem+json',
  schema: z
    .looseObject({ type: z.string(), title: z.string(), status: z.number().int(), code: z.string() })
    .meta({ id: 'Problem' }),
});
const plain = (description: string): ResponseDoc => ({
  description,
  contentType: 'text/plain',
  schema: z.string(),
});
const iso = z.iso.datetime();

export const hubFormSchema = z
  .object({
    'hub.mode': z.enum(['subscribe', 'unsubscribe', 'publish']),
    'hub.callback': z
      .url()
      .optional()
      .describe('subscribe/unsubscribe: where content goes; its query string is kept.'),
    'hub.topic': z
      .url()
      .optional()
      .describe('subscribe/unsubscribe: the topic (`rel="self"`); publish: a topic that changed.'),
    'hub.lease_seconds': z
      .string()
      .optional()
      .describe('Seconds wanted; clamped to HUB_LEASE_MIN/MAX_SECONDS.'),
    'hub.secret': z
      .string()
      .optional()
      .describe('Under 200 bytes: content is then signed with `X-Hub-Signature`.'),
    'hub.signature_algorithm': z
      .enum(['sha1', 'sha256', 'sha384', 'sha512'])
      .optional()
      .describe('An extension of this hub: the HMAC of `X-Hub-Signature` (default sha256).'),
    'hub.url': z.url().optional().describe('publish: a topic that changed (repeatable).'),
  })
  .meta({ id: 'HubForm' });

const topicSchema = z
  .object({
    url: z.string(),
    content_type: z.string().nullable(),
    publish_count: z.number().int(),
    last_publish_at: iso.nullable(),
    last_fetch_at: iso.nullable(),
    last_error: z.string().nullable(),
    last_fan_out: z.number().int().nullable(),
  })
  .meta({ id: 'Topic' });

const subscriptionSchema = z
  .object({
    id: z.string(),
    topic: z.string(),
    callback: z.string().describe('Origin and path only: a query string shows as `?…`.'),
    signed: z.enum(['sha1', 'sha256', 'sha384', 'sha512']).nullable(),
    lease_seconds: z.number().int(),
    lease_left_seconds: z.number().int(),
    expires_at: iso,
    created_at: iso,
    last_delivery_at: iso.nullable(),
    last_delivery_status: z.number().int().nullable(),
    last_delivery_ok: z.boolean().nullable(),
  })
  .meta({ id: 'Subscription' });

const deliverySchema = z
  .object({
    id: z.string(),
    subscription_id: z.string(),
    topic: z.string().nullable(),
    status: z.enum(['pending', 'in_flight', 'delivered', 'dead', 'failed', 'canceled']),
    attempts: z.number().int(),
    last_status_code: z.number().int().nullable(),
    last_failure: z.string().nullable(),
    created_at: iso,
    delivered_at: iso.nullable(),
    next_attempt_at: iso.nullable(),
  })
  .meta({ id: 'Delivery' });

const list = (item: z.ZodType) => z.object({ object: z.literal('list'), data: z.array(item) });

export const hubRouteDocs: RouteDoc[] = [
  {
    method: 'POST',
    path: '/',
    summary: 'The hub: subscribe, unsubscribe, publish (W3C WebSub)',
    description:
      'Subscribe/unsubscribe are verified asynchronously (a GET to the callback with `hub.challenge`); a topic this hub does not serve gets a denial notice instead. Publish fetches each topic once and distributes it to every active subscriber. Unknown parameters are ignored. Errors are plain text, as WebSub asks; a client whose `Accept` names JSON alone gets the same reason as problem+json.',
    tags: ['WebSub'],
    security: [],
    body: { schema: hubFormSchema, contentType: 'application/x-www-form-urlencoded' },
    responses: {
      202: plain('Accepted; verification (or the fetch) follows.'),
      400: plain(
        'A missing or malformed parameter, a refused callback, a topic this hub does not serve (publish).',
      ),
      413: plain('The form is over 64 KiB.'),
      415: plain('Not a form post.'),
    },
  },
  {
    method: 'GET',
    path: '/',
    summary: 'The hub’s page',
    description: 'Topics, subscriptions (lease left, last delivery), recent deliveries and verifications.',
    tags: ['Pages'],
    security: [],
    responses: { 200: { description: 'An HTML page.', contentType: 'text/html' } },
  },
  {
    method: 'GET',
    path: '/v1/topics',
    summary: 'Topics',
    tags: ['API'],
    security: [],
    query: limitQuery,
    responses: {
      200: { description: 'Newest ping first.', schema: list(topicSchema) },
      400: problem('A bad query parameter.'),
    },
  },
  {
    method: 'GET',
    path: '/v1/subscriptions',
    summary: 'Active subscriptions',
    tags: ['API'],
    security: [],
    query: subscriptionsQuery,
    responses: {
      200: { description: 'Unexpired subscriptions; never their secrets.', schema: list(subscriptionSchema) },
      400: problem('A bad query parameter.'),
    },
  },
  {
    method: 'GET',
    path: '/v1/deliveries',
    summary: 'Recent deliveries',
    tags: ['API'],
    security: [],
    query: deliveriesQuery,
    responses: {
      200: { description: 'Distribution messages, newest first.', schema: list(deliverySchema) },
      400: problem('A bad query parameter.'),
    },
  },
];

export function hubApiDocs() {
  return createApiDocs({
    title: 'Hooklab WebSub hub',
    version: '1.0.0',
    description:
      'A W3C WebSub hub: form posts in (plain-text errors, per the Recommendation), content distributed with `Link` and `X-Hub-Signature`; a read-only JSON API (problem+json errors).',
  }).add(...hubRouteDocs);
}
