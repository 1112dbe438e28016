import { randomBytes } from 'node:crypto';
import { ApiError, errors, newId, type RouteDoc, type ServiceEnv, ssrfOptionsOf } from '@hooklab/service';
import { checkUrl, isHttpTarget, parseCallbackTarget } from '@hooklab/webhooks';
import { desc, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import type { ShopContext } from '../context.ts';
import { type WebhookEndpoint, webhookEndpoints } from '../db/schema.ts';
import { requireAdmin } from '../http/auth.ts';
import { jsonBodyLimit, readJson } from '../http/json-body.ts';
import { problem } from '../http/openapi.ts';
import { ORDER_EVENT_TYPES } from '../webhooks/out/order-events.ts';

const eventType = z.enum(['*', ...ORDER_EVENT_TYPES]);

export const webhookEndpointInputSchema = z
  .object({
    url: z
      .string()
      .max(2000)
      .superRefine((url, ctx) => {
        const target = parseCallbackTarget(url);
        if (!target.ok)
          ctx.addIssue({ code: 'custom', message: target.reason, params: { code: target.code } });
      })
      .describe(
        'Where the shop POSTs the events (checked against SSRF), or a `mailto:`, `queue:` or `topic:` target.',
      ),
    enabled_events: z
      .array(eventType)
      .min(1)
      .max(20)
      .describe('Order events to receive, or `["*"]` for all of them.'),
    description: z.string().max(500).optional(),
  })
  .strict()
  .meta({ id: 'WebhookEndpointInput' });

export const webhookEndpointParams = z.object({ id: z.string().min(1).max(100) });

const endpointSchema = z
  .object({
    id: z.string(),
    object: z.literal('webhook_endpoint'),
    url: z.string(),
    enabled_events: z.array(z.string()),
    description: z.string().nullable(),
    status: z.literal('enabled'),
    created: z.number().int().describe('Unix seconds.'),
    secret: z
      .string()
      .optional()
      .describe('`whsec_…` (Standard Webhooks): only in the answer that created it.'),
  })
  .meta({ id: 'WebhookEndpoint' });

function view(e: WebhookEndpoint, withSecret = false) {
  return {
    id: e.id,
    object: 'webhook_endpoint' as const,
    url: e.url,
    enabled_events: e.enabledEvents,
    description: e.description,
    status: 'enabled' as const,
    created: Math.floor(e.createdAt / 1000),
    ...(withSecret ? { secret: e.secret } : {}),
  };
}

/** `/v1/webhook_endpoints`: the back office registers third parties that hear about orders (Standard Webhooks). */
export function webhookEndpointRoutes(s: ShopContext) {
  const api = new Hono<ServiceEnv>();
  api.use('*', async (c, next) => {
    requireAdmin(c, s);
    await next();
  });
  const find = (id: string) => {
    const e = s.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).get();
    if (!e) throw errors.notFound(`Webhook endpoint ${id}`);
    return e;
  };

  api.post('/', jsonBodyLimit, async (c) => {
    const input = webhookEndpointInputSchema.parse(await readJson(c));
    // mailto:, queue: and topic: leave through our SMTP server and brokers: their shape (above) is the check.
    const safe = isHttpTarget(input.url)
      ? await checkUrl(input.url, ssrfOptionsOf(s.config))
      : ({ ok: true } as const);
    if (!safe.ok)
      throw new ApiError({
        status: 400,
        code: 'url_not_allowed',
        message: `url: ${safe.reason}`,
        param: 'url',
      });
    const endpoint: WebhookEndpoint = {
      id: newId('we'),
      url: input.url,
      secret: `whsec_${randomBytes(24).toString('base64')}`,
      enabledEvents: [...new Set(input.enabled_events)],
      description: input.description ?? null,
      createdAt: s.now(),
    };
    s.db.insert(webhookEndpoints).values(endpoint).run();
    return c.json(view(endpoint, true), 201, { location: `/v1/webhook_endpoints/${endpoint.id}` });
  });
  api.get('/', (c) => {
    const data = s.db.select().from(webhookEndpoints).orderBy(desc(webhookEndpoints.createdAt)).all();
    return c.json({ object: 'list', data: data.map((e) => view(e)), has_more: false });
  });
  api.get('/:id', (c) => c.json(view(find(webhookEndpointParams.parse(c.req.param()).id))));
  api.delete('/:id', (c) => {
    const e = find(webhookEndpointParams.parse(c.req.param()).id);
    s.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, e.id)).run();
    return c.json({ id: e.id, object: 'webhook_endpoint', deleted: true });
  });
  return api;
}

const ADMIN = [{ adminKey: [] }];
const unauthorized = problem('No back-office key, or a wrong one.');

export const webhookEndpointRouteDocs: RouteDoc[] = [
  {
    method: 'POST',
    path: '/v1/webhook_endpoints',
    summary: 'Register a webhook endpoint for order events',
    description:
      'The shop then POSTs `{type, timestamp, data}` to `url` for each subscribed order event, signed with Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`) and retried from its outbox. `url` may also be `mailto:ADDRESS` (an e-mail per event), `queue:NAME` or `topic:NAME` (a CloudEvent on the queue or MQTT topic), unsigned, with the same retries. The secret is in this answer only.',
    tags: ['Webhook endpoints'],
    security: ADMIN,
    body: { schema: webhookEndpointInputSchema },
    responses: {
      201: { description: 'The endpoint, with its `secret`.', schema: endpointSchema },
      400: problem(
        'A field is missing or invalid, or the URL is not allowed (private address, unknown scheme, malformed mailto: address, bad queue:/topic: name).',
      ),
      401: unauthorized,
      413: problem('The body is over 64 KiB.'),
      415: problem('The body is not `application/json`.'),
    },
  },
  {
    method: 'GET',
    path: '/v1/webhook_endpoints',
    summary: 'List webhook endpoints',
    description: 'Every endpoint, newest first, without secrets.',
    tags: ['Webhook endpoints'],
    security: ADMIN,
    responses: {
      200: {
        description: 'The endpoints.',
        schema: z.object({ object: z.literal('list'), data: z.array(endpointSchema), has_more: z.boolean() }),
      },
      401: unauthorized,
    },
  },
  {
    method: 'GET',
    path: '/v1/webhook_endpoints/{id}',
    summary: 'Read a webhook endpoint',
    description: 'Without its secret.',
    tags: ['Webhook endpoints'],
    security: ADMIN,
    params: webhookEndpointParams,
    responses: {
      200: { description: 'The endpoint.', schema: endpointSchema },
      401: unauthorized,
      404: problem('No such endpoint.'),
    },
  },
  {
    method: 'DELETE',
    path: '/v1/webhook_endpoints/{id}',
    summary: 'Delete a webhook endpoint',
    description: 'No further events are enqueued for it.',
    tags: ['Webhook endpoints'],
    security: ADMIN,
    params: webhookEndpointParams,
    responses: {
      200: {
        description: 'Deleted.',
        schema: z.object({ id: z.string(), object: z.literal('webhook_endpoint'), deleted: z.literal(true) }),
      },
      401: unauthorized,
      404: problem('No such endpoint.'),
    },
  },
];
