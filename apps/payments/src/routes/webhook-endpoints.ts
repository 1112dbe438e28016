import { Hono } from 'hono';
import { z } from 'zod';
import type { PaymentsContext } from '../context.ts';
import { listObject } from '../domain/store.ts';
import {
  checkEndpointUrl,
  createEndpoint,
  deleteEndpoint,
  ENDPOINT_TYPE,
  loadEndpoint,
  MAX_PREVIOUS_SECRET_SECONDS,
  publicEndpoint,
  rollEndpointSecret,
  updateEndpoint,
  type WebhookEndpoint,
} from '../domain/webhook-endpoints.ts';
import type { PaymentsEnv } from '../http/env.ts';
import { deletedObject, listOf, metadataOut, type StripeRoute, stripeObject } from '../http/openapi.ts';
import { bool, expand, int, list, listParams, metadata, noParams, parseParams, str } from '../http/params.ts';

const createSchema = z.strictObject({
  url: str(2048),
  enabled_events: list(str(200)).max(100),
  description: str(5000).optional(),
  metadata: metadata().optional(),
  api_version: str(50).optional(),
  expand: expand(),
});
const updateSchema = z.strictObject({
  url: str(2048).optional(),
  enabled_events: list(str(200)).max(100).optional(),
  description: str(5000).optional(),
  metadata: metadata().optional(),
  disabled: bool().optional(),
  expand: expand(),
});
const retrieveSchema = z.strictObject({ expand: expand() });
const rollSchema = z.strictObject({
  previous_secret_expires_in: int(0, MAX_PREVIOUS_SECRET_SECONDS)
    .optional()
    .describe('Seconds the old secret keeps signing beside the new one (default a day; 0 = stop it now).'),
  expand: expand(),
});
const listSchema = z.strictObject({ ...listParams });

const endpoint = stripeObject('webhook_endpoint', {
  url: z.string(),
  enabled_events: z.array(z.string()),
  status: z.enum(['enabled', 'disabled']),
  description: z.string().nullable(),
  metadata: metadataOut(),
  secret: z
    .string()
    .optional()
    .describe('The signing secret `whsec_…`: in the answer to the create call only.'),
});

export const webhookEndpointRouteDocs: StripeRoute[] = [
  {
    method: 'POST',
    path: '/',
    summary: 'Create a webhook endpoint',
    description:
      'The URL must be http(s), without credentials, and not certainly internal (SSRF guard). Hooklab ' +
      'extension (Stripe accepts https only): `mailto:ADDRESS`, `queue:NAME` or `topic:NAME[/LEVEL…]`, ' +
      'carried by e-mail, a queue or an MQTT topic with the same retries and attempt log.',
    params: createSchema,
    returns: endpoint,
    returnsDescription: 'The endpoint, with its signing secret.',
  },
  {
    method: 'GET',
    path: '/',
    summary: 'List webhook endpoints',
    params: listSchema,
    returns: listOf(endpoint),
    returnsDescription: 'A page of endpoints, newest first.',
  },
  {
    method: 'GET',
    path: '/:id',
    summary: 'Retrieve a webhook endpoint',
    params: retrieveSchema,
    returns: endpoint,
  },
  {
    method: 'POST',
    path: '/:id',
    summary: 'Update a webhook endpoint',
    description: '`disabled=true` stops its deliveries; `disabled=false` enables it again.',
    params: updateSchema,
    returns: endpoint,
  },
  {
    method: 'POST',
    path: '/:id/roll_secret',
    summary: 'Roll the signing secret (Hooklab extension: the dashboard’s “Roll secret”)',
    description:
      'A new secret signs from now on; the old one also signs until `previous_secret_expires_at`, so ' +
      '`Stripe-Signature` carries two `v1=` during the overlap and a receiver with either secret accepts it.',
    params: rollSchema,
    returns: endpoint.extend({ previous_secret_expires_at: z.number().int().nullable() }),
    returnsDescription: 'The endpoint with its new secret (shown only here).',
  },
  {
    method: 'DELETE',
    path: '/:id',
    summary: 'Delete a webhook endpoint',
    params: noParams,
    returns: deletedObject('webhook_endpoint'),
  },
];

/** `/v1/webhook_endpoints`: where events go; the signing secret is shown once, at creation. */
export function webhookEndpointRoutes(d: PaymentsContext) {
  return new Hono<PaymentsEnv>()
    .post('/', async (c) => {
      const { expand: _e, ...p } = parseParams(createSchema, c.get('params'));
      await checkEndpointUrl(p.url, d.urlCheck);
      return c.json(createEndpoint(d, c.get('apiKey').accountId, p));
    })
    .get('/', (c) => {
      const p = parseParams(listSchema, c.get('params'));
      const page = d.store.list<WebhookEndpoint>(
        c.get('apiKey').accountId,
        ENDPOINT_TYPE,
        p,
        'webhook_endpoint',
      );
      return c.json(listObject('/v1/webhook_endpoints', { ...page, data: page.data.map(publicEndpoint) }));
    })
    .get('/:id', (c) => {
      parseParams(retrieveSchema, c.get('params'));
      return c.json(publicEndpoint(loadEndpoint(d, c.get('apiKey').accountId, c.req.param('id'))));
    })
    .post('/:id', async (c) => {
      const { expand: _e, ...p } = parseParams(updateSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      // An unknown endpoint is a 404 before anything is said about the new URL.
      loadEndpoint(d, acct, c.req.param('id'));
      if (p.url !== undefined) await checkEndpointUrl(p.url, d.urlCheck);
      return c.json(publicEndpoint(updateEndpoint(d, acct, c.req.param('id'), p)));
    })
    .post('/:id/roll_secret', (c) => {
      const p = parseParams(rollSchema, c.get('params'));
      const expiresIn = p.previous_secret_expires_in ?? 24 * 3600;
      return c.json(rollEndpointSecret(d, c.get('apiKey').accountId, c.req.param('id'), expiresIn));
    })
    .delete('/:id', (c) => {
      parseParams(noParams, c.get('params'));
      return c.json(deleteEndpoint(d, c.get('apiKey').accountId, c.req.param('id')));
    });
}
