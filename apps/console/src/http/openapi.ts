// The console's small JSON API, documented with the schemas its handlers validate with (routes/*.ts).
import { createApiDocs, type ResponseDoc, type RouteDoc } from '@hooklab/service';
import { z } from 'zod';
import { controlBody, transportBody } from '../routes/control.ts';
import { runBody } from '../routes/runs.ts';

const problem = (description: string): ResponseDoc => ({
  description,
  schema: z.looseObject({ type: z.string(), title: z.string(), status: z.number().int(), code: z.string() }),
  contentType: 'application/problem+json',
});

const traceId = z.object({
  id: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .describe('A W3C trace id.'),
});
const badTrace = problem('Not a trace id (`invalid_trace_id`).');
const noTrace = problem('Nothing recorded in this trace.');
const service = z.object({ service: z.enum(['shop', 'payments', 'logistics']) });
const anyJson = z.looseObject({});

const routes: RouteDoc[] = [
  {
    method: 'GET',
    path: '/api/scenarios',
    summary: 'The scenarios it can run',
    tags: ['Runs'],
    responses: { 200: { description: 'The catalogue.', schema: z.object({ data: z.array(anyJson) }) } },
  },
  {
    method: 'POST',
    path: '/api/runs',
    summary: 'Run a scenario',
    tags: ['Runs'],
    body: { schema: runBody },
    responses: {
      202: { description: 'The run, started (`Location`).', schema: anyJson },
      400: problem('Not JSON, or an invalid scenario id or params.'),
      404: problem('No such scenario (`unknown_scenario`).'),
      409: problem('The scenario is not built yet.'),
    },
  },
  {
    method: 'GET',
    path: '/api/runs/:id',
    summary: 'A run and its steps',
    tags: ['Runs'],
    params: z.object({ id: z.string() }),
    responses: { 200: { description: 'The run.', schema: anyJson }, 404: problem('No such run.') },
  },
  {
    method: 'GET',
    path: '/api/stream',
    summary: 'Everything the apps record, live (Server-Sent Events)',
    description:
      'A `snapshot` first, then `exchange`, `service`, `run` and `switch` events; a reconnect sends `Last-Event-ID`.',
    tags: ['Live'],
    headers: z.object({ 'last-event-id': z.string().optional() }),
    responses: { 200: { description: 'The event stream.', contentType: 'text/event-stream' } },
  },
  {
    method: 'GET',
    path: '/api/services',
    summary: "The apps' states",
    tags: ['Live'],
    responses: { 200: { description: 'Each app.', schema: z.object({ data: z.array(anyJson) }) } },
  },
  {
    method: 'GET',
    path: '/api/control/transport',
    summary: 'The transport faults of every process (topic broker down, consumer crashes)',
    description:
      'Process-wide faults: the console’s own (where the scenarios’ consumers run) and each app’s, with the crashes they caused.',
    tags: ['Control'],
    responses: { 200: { description: 'The transport faults, merged.', schema: anyJson } },
  },
  {
    method: 'POST',
    path: '/api/control/transport',
    summary: 'Topic broker down / back up; arm consumer crashes before ack',
    description:
      'Set in the console’s process and relayed to every app’s `/_hooklab/control` (`{transport: …}`); an app that does not answer is listed under `unreachable`.',
    tags: ['Control'],
    body: { schema: transportBody },
    responses: {
      200: { description: 'The transport faults after the change.', schema: anyJson },
      400: problem('Not JSON, or neither broker_down nor consumer_crashes.'),
    },
  },
  {
    method: 'DELETE',
    path: '/api/control',
    summary: 'Clear all faults',
    description:
      'Every receiver working, every paused sender resumed, no transport fault, in every app and the console; the open switches closed.',
    tags: ['Control'],
    responses: {
      200: { description: 'What each app answered, and the transport faults now.', schema: anyJson },
    },
  },
  {
    method: 'GET',
    path: '/api/control/:service',
    summary: "An app's faults and senders (its /_hooklab/control)",
    tags: ['Control'],
    params: service,
    responses: {
      200: { description: "The app's control state.", schema: anyJson },
      404: problem('No app of that name.'),
      502: problem('The app did not answer.'),
    },
  },
  {
    method: 'POST',
    path: '/api/control/:service',
    summary: 'Set a receiver fault or pause a sender',
    tags: ['Control'],
    params: service,
    body: { schema: controlBody },
    responses: {
      200: { description: "The app's control state after the change.", schema: anyJson },
      400: problem('Not JSON, or a field the control API does not take.'),
      404: problem('No app of that name.'),
      502: problem('The app did not answer.'),
    },
  },
  {
    method: 'GET',
    path: '/api/traces/:id',
    summary: "A trace's hops",
    tags: ['Traces'],
    params: traceId,
    responses: {
      200: { description: 'The hops and their counters.', schema: anyJson },
      400: badTrace,
      404: noTrace,
    },
  },
  {
    method: 'GET',
    path: '/api/traces/:id/har',
    summary: 'A trace as HAR 1.2',
    tags: ['Traces'],
    params: traceId,
    responses: {
      200: { description: 'A HAR file (attachment).', schema: anyJson },
      400: badTrace,
      404: noTrace,
    },
  },
  {
    method: 'GET',
    path: '/api/traces/:id/mermaid',
    summary: 'A trace as a Mermaid sequence diagram',
    tags: ['Traces'],
    params: traceId,
    responses: {
      200: { description: 'The diagram (attachment).', contentType: 'text/plain' },
      400: badTrace,
      404: noTrace,
    },
  },
  {
    method: 'GET',
    path: '/api/counters',
    summary: 'Counters over everything recorded',
    tags: ['Traces'],
    responses: { 200: { description: 'The counters.', schema: anyJson } },
  },
];

/** The console's API (dev mode only, like the rest of the console). */
export function consoleApiDocs() {
  return createApiDocs({
    title: 'Hooklab console API',
    version: '1.0.0',
    description:
      'What the console page uses: scenario runs, the live stream, the apps’ switches, trace exports. Dev mode only, for a caller on this machine or one holding HOOKLAB_DEV_TOKEN.',
  }).add(...routes);
}
