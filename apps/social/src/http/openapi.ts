// social's API docs (/docs, /openapi.json): the X API v2 subset it serves, its requests and answers as
// README.md describes them; src/http/openapi.test.ts holds real answers against these schemas.
import { createApiDocs, type ResponseDoc, type RouteDoc } from '@hooklab/service';
import { z } from 'zod';

const problemSchema = z
  .looseObject({
    title: z.string(),
    detail: z.string(),
    type: z.string(),
    status: z.number().int(),
    code: z.string(),
    errors: z.array(z.looseObject({})).optional(),
  })
  .meta({ id: 'Problem', description: "X API v2's problem JSON, plus `code`." });
const problem = (description: string): ResponseDoc => ({
  description,
  schema: problemSchema,
  contentType: 'application/problem+json',
});

const numericId = z.string().regex(/^\d+$/);
const postSchema = z
  .object({
    id: numericId,
    text: z.string(),
    author_id: z.string(),
    created_at: z.iso.datetime(),
    edit_history_tweet_ids: z.array(z.string()),
  })
  .meta({ id: 'Post' });
const webhookSchema = z
  .object({ id: numericId, url: z.string(), valid: z.boolean(), created_at: z.iso.datetime() })
  .meta({ id: 'Webhook' });
const ruleSchema = z
  .object({ id: numericId, value: z.string(), tag: z.string().optional() })
  .meta({ id: 'Rule' });
const summary = z.object({
  created: z.number().int(),
  not_created: z.number().int(),
  valid: z.number().int(),
  invalid: z.number().int(),
});

const APP = [{ appBearer: [] }];
const USER = [{ userToken: [] }];
const unauthorized = { 401: problem('No token, or not a valid one.') };
const webhookId = z.object({ webhook_id: numericId.describe('The webhook id.') });

const userSchema = z
  .object({ id: numericId, name: z.string(), username: z.string(), created_at: z.iso.datetime().optional() })
  .meta({ id: 'User' });
const userNotFound = z
  .looseObject({
    value: z.string(),
    detail: z.string(),
    title: z.literal('Not Found Error'),
    resource_type: z.literal('user'),
    parameter: z.string(),
    resource_id: z.string(),
    type: z.string(),
  })
  .meta({ id: 'UserNotFound' });
const userFields = z
  .string()
  .optional()
  .describe(
    'Comma-separated; `created_at` adds the account’s creation time (id, name, username always come).',
  );

/** X's user lookup: who wrote a post (deliveries and search carry only `author_id`). */
export const socialUserRouteDocs: RouteDoc[] = [
  {
    method: 'GET',
    path: '/2/users/:id',
    summary: 'One user by id',
    tags: ['users'],
    security: APP,
    params: z.object({ id: numericId.describe('The user id (a post’s `author_id`).') }),
    query: z.object({ 'user.fields': userFields }),
    responses: {
      200: {
        description: 'The user; an unknown id is a 200 with `errors` and no `data`, as X answers it.',
        schema: z.union([z.object({ data: userSchema }), z.object({ errors: z.array(userNotFound).min(1) })]),
      },
      400: problem('Not an id, or an unknown parameter.'),
      ...unauthorized,
    },
  },
  {
    method: 'GET',
    path: '/2/users',
    summary: 'Up to 100 users by id',
    tags: ['users'],
    security: APP,
    query: z.object({
      ids: z.string().describe('Comma-separated user ids, at most 100.'),
      'user.fields': userFields,
    }),
    responses: {
      200: {
        description: 'The users found, in the order asked; the unknown ones under `errors`.',
        schema: z.object({ data: z.array(userSchema).optional(), errors: z.array(userNotFound).optional() }),
      },
      400: problem('No ids, a malformed one, more than 100, or an unknown parameter.'),
      ...unauthorized,
    },
  },
];

export const socialRouteDocs: RouteDoc[] = [
  {
    method: 'POST',
    path: '/2/tweets',
    summary: 'Post as the token’s user',
    tags: ['posts'],
    security: USER,
    body: { schema: z.object({ text: z.string().min(1).max(280) }) },
    responses: {
      201: {
        description: 'Posted; matching apps’ webhooks get it through the outbox.',
        schema: z.object({
          data: z.object({ id: numericId, text: z.string(), edit_history_tweet_ids: z.array(z.string()) }),
        }),
      },
      400: problem('No text, too long, or an unknown field.'),
      ...unauthorized,
    },
  },
  {
    method: 'GET',
    path: '/2/tweets/search/recent',
    summary: 'Recent search (last 7 days), for pollers',
    tags: ['posts'],
    security: APP,
    query: z.object({
      query: z
        .string()
        .max(512)
        .describe('A rule: `#tag`, words, "phrases", `from:user`, AND (space), OR, `-`, ( ).'),
      since_id: numericId.optional().describe('Only posts newer than this id.'),
      until_id: numericId.optional(),
      max_results: z.number().int().min(10).max(100).optional(),
      next_token: z.string().optional(),
    }),
    responses: {
      200: {
        description: 'Newest first; without matches, no `data`.',
        schema: z.object({
          data: z.array(postSchema).optional(),
          meta: z.object({
            result_count: z.number().int(),
            newest_id: numericId.optional(),
            oldest_id: numericId.optional(),
            next_token: z.string().optional(),
          }),
        }),
      },
      400: problem('A bad query or parameter, or an unknown parameter.'),
      ...unauthorized,
    },
  },
  {
    method: 'GET',
    path: '/2/tweets/search/stream/rules',
    summary: 'The app’s filter rules',
    tags: ['rules'],
    security: APP,
    responses: {
      200: {
        description: 'Without rules, no `data`.',
        schema: z.object({
          data: z.array(ruleSchema).optional(),
          meta: z.object({ sent: z.string(), result_count: z.number().int() }),
        }),
      },
      ...unauthorized,
    },
  },
  {
    method: 'POST',
    path: '/2/tweets/search/stream/rules',
    summary: 'Add rules (all or nothing) or delete them by id',
    tags: ['rules'],
    security: APP,
    query: z.object({ dry_run: z.enum(['true', 'false']).optional() }),
    body: {
      schema: z.union([
        z.object({
          add: z
            .array(z.object({ value: z.string().max(512), tag: z.string().max(128).optional() }))
            .min(1)
            .max(100),
        }),
        z.object({ delete: z.object({ ids: z.array(numericId).min(1).max(100) }) }),
      ]),
    },
    responses: {
      200: {
        description: 'Deleted; ids the app does not have are listed in `errors`.',
        schema: z.object({
          meta: z.object({
            sent: z.string(),
            summary: z.object({ deleted: z.number().int(), not_deleted: z.number().int() }),
          }),
          errors: z.array(z.looseObject({ value: z.string() })).optional(),
        }),
      },
      201: {
        description: 'Added (or, on dry_run, validated).',
        schema: z.object({ data: z.array(ruleSchema), meta: z.object({ sent: z.string(), summary }) }),
      },
      400: problem(
        'A bad body; or invalid or duplicate rules: none created, one error per rule in `errors`.',
      ),
      429: problem('The app’s rule limit would be exceeded.'),
      ...unauthorized,
    },
  },
  {
    method: 'POST',
    path: '/2/webhooks',
    summary: 'Register a webhook (the CRC runs at once)',
    tags: ['webhooks'],
    security: APP,
    body: { schema: z.object({ url: z.url().max(1024) }) },
    responses: {
      200: { description: 'It passed the CRC.', schema: z.object({ data: webhookSchema }) },
      400: problem(
        'A bad or refused URL, a failed CRC (`crc_validation_failed`, nothing stored), or `duplicate_url`.',
      ),
      403: problem('The app has as many webhooks as it may.'),
      ...unauthorized,
    },
  },
  {
    method: 'GET',
    path: '/2/webhooks',
    summary: 'The app’s webhooks',
    tags: ['webhooks'],
    security: APP,
    responses: {
      200: {
        description: 'With `valid`.',
        schema: z.object({
          data: z.array(webhookSchema),
          meta: z.object({ result_count: z.number().int() }),
        }),
      },
      ...unauthorized,
    },
  },
  ...(['GET', 'PUT', 'DELETE'] as const).map(
    (method): RouteDoc => ({
      method,
      path: '/2/webhooks/:webhook_id',
      summary: { GET: 'One webhook', PUT: 'Re-run the CRC', DELETE: 'Delete a webhook' }[method],
      tags: ['webhooks'],
      security: APP,
      params: webhookId,
      responses: {
        200: {
          description: {
            GET: 'The webhook.',
            PUT: 'It passed: valid again.',
            DELETE: 'Deleted; queued deliveries are cancelled.',
          }[method],
          schema:
            method === 'DELETE'
              ? z.object({ data: z.object({ deleted: z.literal(true) }) })
              : z.object({
                  data:
                    method === 'PUT' ? webhookSchema.extend({ attempted: z.literal(true) }) : webhookSchema,
                }),
        },
        ...(method === 'PUT'
          ? { 400: problem('It failed the CRC: now `valid:false`, no deliveries until it passes.') }
          : { 400: problem('Not an id.') }),
        404: problem('The app has no such webhook.'),
        ...unauthorized,
      },
    }),
  ),
  ...socialUserRouteDocs,
];

export function socialApiDocs() {
  return createApiDocs({
    title: 'Hooklab social (X API v2 subset)',
    version: '1.0.0',
    description:
      'An X-like feed: posts, recent search, filter rules and webhooks with the CRC. Deliveries (`{data, matching_rules}`, `x-twitter-webhooks-signature`) are in docs/asyncapi.yaml.',
    securitySchemes: {
      appBearer: { type: 'http', scheme: 'bearer', description: 'An app’s bearer token (app-only).' },
      userToken: {
        type: 'http',
        scheme: 'bearer',
        description: 'A user’s token (su_test_<username> in dev).',
      },
    },
  }).add(...socialRouteDocs);
}
