// The mailbox API docs (/docs, /openapi.json): every route with the schemas its handler validates with
// (http/input.ts) and answers with (http/representations.ts).
import { createApiDocs, type ResponseDoc, type RouteDoc } from '@hooklab/service';
import { z } from 'zod';
import { listMessagesQuery, messageIdParams } from './input.ts';
import { messageSchema, messageSummarySchema } from './representations.ts';

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

const notFound = problem('No such message (`message_not_found`).');

export const infoSchema = z.object({
  service: z.literal('mailbox'),
  smtp: z.object({
    host: z.string(),
    port: z.number().int().describe('The SMTP port really bound (SMTP_PORT=0 picks one).'),
    url: z.string().describe('`smtp://host:port`, what senders put in SMTP_URL.'),
  }),
  limits: z.object({
    max_message_bytes: z.number().int(),
    max_messages: z.number().int(),
    max_recipients: z.number().int(),
  }),
  messages: z.number().int(),
});

export function mailboxRouteDocs(pageLimit: number): RouteDoc[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/info',
      summary: 'Where to send mail, and the limits',
      tags: ['Mailbox'],
      security: [],
      responses: { 200: { description: 'The SMTP address and limits.', schema: infoSchema } },
    },
    {
      method: 'GET',
      path: '/api/v1/messages',
      summary: 'List messages',
      description: 'Newest first. Page with `starting_after`; filter with `to` and `q`.',
      tags: ['Messages'],
      security: [],
      query: listMessagesQuery(pageLimit),
      responses: {
        200: {
          description: 'A page of messages.',
          schema: z.object({
            object: z.literal('list'),
            url: z.string(),
            total: z.number().int().describe('Messages matching the filters, on every page.'),
            has_more: z.boolean(),
            data: z.array(messageSummarySchema),
          }),
        },
        400: problem('A query parameter is invalid, or `starting_after` is not a stored message.'),
      },
    },
    {
      method: 'DELETE',
      path: '/api/v1/messages',
      summary: 'Delete every message',
      tags: ['Messages'],
      security: [],
      responses: {
        200: { description: 'How many were deleted.', schema: z.object({ deleted: z.number().int() }) },
      },
    },
    {
      method: 'GET',
      path: '/api/v1/messages/:id',
      summary: 'One message, parsed',
      tags: ['Messages'],
      security: [],
      params: messageIdParams,
      responses: { 200: { description: 'The message.', schema: messageSchema }, 404: notFound },
    },
    {
      method: 'GET',
      path: '/api/v1/messages/:id/raw',
      summary: 'A message’s raw source',
      description: 'Byte for byte as received after DATA, as `text/plain`.',
      tags: ['Messages'],
      security: [],
      params: messageIdParams,
      responses: { 200: { description: 'The RFC 5322 source.', contentType: 'text/plain' }, 404: notFound },
    },
    {
      method: 'DELETE',
      path: '/api/v1/messages/:id',
      summary: 'Delete one message',
      tags: ['Messages'],
      security: [],
      params: messageIdParams,
      responses: {
        200: {
          description: 'Deleted.',
          schema: z.object({ id: z.string(), object: z.literal('message'), deleted: z.literal(true) }),
        },
        404: notFound,
      },
    },
    {
      method: 'GET',
      path: '/api/v1/events',
      summary: 'Live changes (Server-Sent Events)',
      description:
        '`message` (data: a message summary) when one arrives, `deleted` (`{id}`) and `cleared`; `ready` once subscribed.',
      tags: ['Messages'],
      security: [],
      responses: { 200: { description: 'An event stream.', contentType: 'text/event-stream' } },
    },
  ];
}

/** The mailbox API as OpenAPI 3.1. */
export function mailboxApiDocs(pageLimit: number) {
  return createApiDocs({
    title: 'Hooklab mailbox API',
    version: '1.0.0',
    description:
      'An SMTP sink with an inbox, for tests and for people: read what the apps e-mailed. No API key (bind it to loopback). Errors are RFC 9457 `application/problem+json`.',
  }).add(...mailboxRouteDocs(pageLimit));
}
