// The slack API docs (/docs, /openapi.json): the Web API as one route, the admin API with the schemas its
// handlers validate with, incoming webhooks and response URLs.
import { createApiDocs, type ResponseDoc, type RouteDoc } from '@hooklab/service';
import { z } from 'zod';
import { webApiMethods } from '../domain/web-api.ts';
import {
  appIdParams,
  appSettingsSchema,
  channelParams,
  commandParams,
  commandSchema,
  createAppSchema,
  hookParams,
  incomingWebhookSchema,
} from './admin-input.ts';

const problemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    param: z.string().optional(),
  })
  .meta({ id: 'Problem' });
const problem = (description: string): ResponseDoc => ({
  description,
  schema: problemSchema,
  contentType: 'application/problem+json',
});
const plain = (description: string): ResponseDoc => ({
  description,
  schema: z.string(),
  contentType: 'text/html',
});

const ADMIN = [{ adminKey: [] }];
const adminErrors = {
  401: problem('No admin key, or a wrong one.'),
  403: problem('Outside dev mode with the default admin key (`admin_key_not_set`).'),
};

export const appSchema = z
  .looseObject({
    id: z.string(),
    object: z.literal('app'),
    name: z.string(),
    bot_user_id: z.string(),
    bot_id: z.string(),
    event_request_url: z.string().nullable(),
    event_types: z.array(z.string()),
    interactivity_url: z.string().nullable(),
    created: z.number().int(),
  })
  .meta({ id: 'App' });
const commandOut = z.object({
  object: z.literal('command'),
  command: z.string(),
  url: z.string(),
  description: z.string(),
  usage_hint: z.string(),
});
const hookOut = z.looseObject({
  object: z.literal('incoming_webhook'),
  id: z.string(),
  channel: z.string(),
  url: z.string().optional(),
});
const list = (item: z.ZodType) => z.object({ object: z.literal('list'), data: z.array(item) });

const webApiResult = z.looseObject({ ok: z.boolean(), error: z.string().optional() }).meta({
  id: 'WebApiResult',
  description: 'Slack: `{ok:true, …}`, or `{ok:false, error}` — always with HTTP 200.',
});

const secretPath = z.object({ team: z.string(), id: z.string(), secret: z.string() });
const responseBody = z.looseObject({
  text: z.string().optional(),
  blocks: z.array(z.looseObject({ type: z.string() })).optional(),
  response_type: z.enum(['in_channel', 'ephemeral']).optional(),
  replace_original: z.boolean().optional(),
  delete_original: z.boolean().optional(),
  thread_ts: z.string().optional(),
});

const responseUrlDoc = (prefix: 'commands' | 'actions', what: string): RouteDoc => ({
  method: 'POST',
  path: `/${prefix}/:team/:id/:secret`,
  summary: `A ${what}'s response_url`,
  description:
    'Good for 30 minutes and 5 uses (SLACK_RESPONSE_URL_TTL_MS, SLACK_RESPONSE_URL_MAX_USES). The secret in the path is the credential.',
  tags: ['Interactivity'],
  security: [],
  params: secretPath,
  body: { schema: responseBody },
  responses: {
    200: { description: 'Shown.', schema: z.object({ ok: z.literal(true) }) },
    400: plain('`invalid_payload` or `no_text`.'),
    404: plain('`no_service` (unknown URL), `expired_url` (over 30 minutes), `used_url` (used 5 times).'),
    410: plain('`is_archived`.'),
  },
});

/** What GET and POST /api/:method share: the token, the method in the path, always 200 or 429 with `ok`. */
const webApiCall: Pick<RouteDoc, 'path' | 'tags' | 'security' | 'params' | 'responses'> = {
  path: '/api/:method',
  tags: ['Web API'],
  security: [{ bearerAuth: [] }, {}],
  params: z.object({ method: z.string() }),
  responses: {
    200: { description: 'Always 200 with `ok`.', schema: webApiResult },
    429: { description: 'Rate limited (`Retry-After` in seconds).', schema: webApiResult },
  },
};

export const slackRouteDocs: RouteDoc[] = [
  {
    ...webApiCall,
    method: 'GET',
    summary: 'Call a Web API method (query string)',
    description: `Methods: ${Object.keys(webApiMethods)
      .map((m) => `\`${m}\``)
      .join(', ')}. Token in \`Authorization: Bearer\` or a \`token\` argument.`,
  },
  {
    ...webApiCall,
    method: 'POST',
    summary: 'Call a Web API method',
    description: 'A form body (nested values JSON-encoded, as @slack/web-api sends them) or a JSON body.',
    body: { schema: z.record(z.string(), z.string()), contentType: 'application/x-www-form-urlencoded' },
  },
  {
    method: 'POST',
    path: '/services/:team/:id/:secret',
    summary: 'Post through an incoming webhook',
    description: 'JSON `{text, blocks?, attachments?, thread_ts?}`. Slack answers in plain words.',
    tags: ['Incoming webhooks'],
    security: [],
    params: secretPath,
    body: { schema: responseBody },
    responses: {
      200: plain('`ok`.'),
      400: plain('`invalid_payload` or `no_text`.'),
      403: plain('`action_prohibited`.'),
      404: plain('`no_service` or `channel_not_found`.'),
      410: plain('`channel_is_archived`.'),
    },
  },
  responseUrlDoc('commands', 'slash command'),
  responseUrlDoc('actions', 'button'),
  {
    method: 'GET',
    path: '/admin/apps',
    summary: 'List apps',
    tags: ['Admin'],
    security: ADMIN,
    responses: { 200: { description: 'Every app.', schema: list(appSchema) }, ...adminErrors },
  },
  {
    method: 'POST',
    path: '/admin/apps',
    summary: 'Create an app and its bot',
    description: 'The answer carries `bot_token` and `signing_secret`, shown this once.',
    tags: ['Admin'],
    security: ADMIN,
    body: { schema: createAppSchema },
    responses: {
      201: {
        description: 'Created.',
        schema: appSchema.extend({ bot_token: z.string(), signing_secret: z.string() }),
      },
      400: problem('Invalid body.'),
      ...adminErrors,
    },
  },
  {
    method: 'GET',
    path: '/admin/apps/:id',
    summary: 'An app',
    tags: ['Admin'],
    security: ADMIN,
    params: appIdParams,
    responses: {
      200: { description: 'The app.', schema: appSchema },
      ...adminErrors,
      404: problem('No such app.'),
    },
  },
  {
    method: 'PATCH',
    path: '/admin/apps/:id',
    summary: 'Set request URLs and event subscriptions',
    description:
      'A new `event_request_url` is stored only after the url_verification challenge succeeded (`url_verification_failed` otherwise). `null` clears a URL.',
    tags: ['Admin'],
    security: ADMIN,
    params: appIdParams,
    body: { schema: appSettingsSchema },
    responses: {
      200: { description: 'The app as it is now.', schema: appSchema },
      400: problem('`url_verification_failed`, `invalid_event_type`, `ssrf_blocked`, or an invalid body.'),
      ...adminErrors,
      404: problem('No such app.'),
    },
  },
  {
    method: 'DELETE',
    path: '/admin/apps/:id',
    summary: 'Delete an app',
    description:
      'Its bot token, slash commands, incoming webhooks and response URLs go with it; events not yet delivered to it are canceled, not sent. Its bot user stays as the author of its messages.',
    tags: ['Admin'],
    security: ADMIN,
    params: appIdParams,
    responses: { 204: { description: 'Deleted.' }, ...adminErrors, 404: problem('No such app.') },
  },
  {
    method: 'GET',
    path: '/admin/apps/:id/commands',
    summary: "The app's slash commands",
    tags: ['Admin'],
    security: ADMIN,
    params: appIdParams,
    responses: {
      200: { description: 'Its commands.', schema: list(commandOut) },
      ...adminErrors,
      404: problem('No such app.'),
    },
  },
  {
    method: 'PUT',
    path: '/admin/apps/:id/commands/:command',
    summary: 'Create or replace a slash command (idempotent)',
    tags: ['Admin'],
    security: ADMIN,
    params: commandParams,
    body: { schema: commandSchema },
    responses: {
      200: { description: 'The command.', schema: commandOut },
      400: problem('Invalid name or URL.'),
      ...adminErrors,
      404: problem('No such app.'),
      409: problem('The command belongs to another app.'),
    },
  },
  {
    method: 'DELETE',
    path: '/admin/apps/:id/commands/:command',
    summary: 'Remove a slash command',
    tags: ['Admin'],
    security: ADMIN,
    params: commandParams,
    responses: { 204: { description: 'Removed.' }, ...adminErrors, 404: problem('No such command.') },
  },
  {
    method: 'GET',
    path: '/admin/apps/:id/incoming-webhooks',
    summary: "The app's incoming webhooks (without their secret URLs)",
    tags: ['Admin'],
    security: ADMIN,
    params: appIdParams,
    responses: {
      200: { description: 'Its webhooks.', schema: list(hookOut) },
      ...adminErrors,
      404: problem('No such app.'),
    },
  },
  {
    method: 'POST',
    path: '/admin/apps/:id/incoming-webhooks',
    summary: 'Create an incoming webhook for a channel',
    description: 'The answer carries the webhook `url`, shown this once.',
    tags: ['Admin'],
    security: ADMIN,
    params: appIdParams,
    body: { schema: incomingWebhookSchema },
    responses: {
      201: { description: 'Created.', schema: hookOut },
      400: problem('`channel_not_found` or an invalid body.'),
      ...adminErrors,
      404: problem('No such app.'),
    },
  },
  {
    method: 'DELETE',
    path: '/admin/apps/:id/incoming-webhooks/:hook',
    summary: 'Remove an incoming webhook',
    tags: ['Admin'],
    security: ADMIN,
    params: hookParams,
    responses: { 204: { description: 'Removed.' }, ...adminErrors, 404: problem('No such webhook.') },
  },
  {
    method: 'POST',
    path: '/admin/channels/:channel/archive',
    summary: 'Archive a channel',
    tags: ['Admin'],
    security: ADMIN,
    params: channelParams,
    responses: {
      200: {
        description: 'The channel.',
        schema: z.looseObject({ channel: z.looseObject({ id: z.string() }) }),
      },
      ...adminErrors,
      404: problem('No such channel.'),
    },
  },
];

export function slackApiDocs() {
  return createApiDocs({
    title: 'Hooklab Slack',
    version: '1.0.0',
    description:
      'A Slack-compatible workspace: the Web API (`/api/{method}`, for @slack/web-api), incoming webhooks, response URLs, and the admin API that sets apps up (`Authorization: Bearer <SLACK_ADMIN_KEY>`).',
    securitySchemes: {
      bearerAuth: {
        type: 'http',
        scheme: 'bearer',
        description: 'A Slack token: `xoxb-…` (bot) or `xoxp-…` (user).',
      },
      adminKey: { type: 'http', scheme: 'bearer', description: 'SLACK_ADMIN_KEY.' },
    },
  }).add(...slackRouteDocs);
}
