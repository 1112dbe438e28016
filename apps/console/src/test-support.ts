// Fixtures for the console's tests: recorded exchanges as the apps would send them, and a console
// context on a store of its own.
import {
  type Exchange,
  type ExchangeNotes,
  ExchangeRecorder,
  type FetchLike,
  serviceUrls,
} from '@hooklab/service';
import { consoleConfigSchema } from './config.ts';
import type { ConsoleContext } from './context.ts';
import type { RecordedExchange } from './domain/hops.ts';
import { createRunner, type RunnerDeps } from './domain/runs.ts';
import { ConsoleStore } from './domain/store.ts';
import type { ClientAssets } from './pages/assets.ts';

export const URLS = serviceUrls({
  SHOP_URL: 'http://127.0.0.1:4001',
  PAYMENTS_URL: 'http://127.0.0.1:4002',
  LOGISTICS_URL: 'http://127.0.0.1:4003',
});
export const TRACE = '0af7651916cd43dd8448eb211c80319c';

let n = 0;

/** One recorded exchange; `start` and `ms` place it in time (ms since 0). */
export function exchange(
  over: Partial<RecordedExchange> &
    Pick<RecordedExchange, 'service' | 'direction' | 'url'> & { start?: number; ms?: number },
): RecordedExchange {
  const { start = 0, ms = 5, ...rest } = over;
  n++;
  return {
    id: `exc_${String(n).padStart(16, '0')}`,
    at: 1_000_000 + start + ms,
    kind: 'api',
    from: 'client',
    to: over.service,
    method: 'GET',
    status: 200,
    durationMs: ms,
    traceId: TRACE,
    requestHeaders: {},
    responseHeaders: { 'content-type': 'application/json' },
    ...rest,
  } as RecordedExchange;
}

/** A webhook attempt as the sender records it and as the receiver records it. */
export function delivery(opts: {
  from: string;
  to: string;
  url: string;
  eventId: string;
  eventType: string;
  attempt: number;
  status: number | null;
  start: number;
  spanId?: string;
  fault?: ExchangeNotes['fault'];
  receiverStatus?: number | null;
  receiverBody?: string;
  outcome?: ExchangeNotes['outcome'];
  signature?: ExchangeNotes['signature'];
}): [RecordedExchange, RecordedExchange] {
  const headers = {
    'x-hooklab-event-id': opts.eventId,
    'x-hooklab-event-type': opts.eventType,
    'x-hooklab-attempt': String(opts.attempt),
  };
  const body = JSON.stringify({ type: opts.eventType, data: { id: opts.eventId } });
  const sent = exchange({
    service: opts.from,
    from: opts.from,
    to: opts.to,
    direction: 'out',
    kind: 'webhook',
    method: 'POST',
    url: opts.url,
    status: opts.status,
    start: opts.start,
    spanId: opts.spanId,
    requestHeaders: headers,
    requestBody: body,
    attempt: opts.attempt,
    outcome: opts.outcome ?? (opts.status !== null && opts.status < 300 ? 'delivered' : 'retry'),
  });
  const received = exchange({
    service: opts.to,
    from: opts.from,
    direction: 'in',
    kind: 'webhook',
    method: 'POST',
    url: opts.url,
    status: opts.receiverStatus === undefined ? opts.status : opts.receiverStatus,
    start: opts.start + 1,
    ms: 3,
    parentSpanId: opts.spanId,
    requestHeaders: { ...headers, 'webhook-id': `msg_${opts.eventId}` },
    requestBody: body,
    responseBody: opts.receiverBody ?? '{"received":true}',
    attempt: opts.attempt,
    ...(opts.fault ? { fault: opts.fault } : {}),
    ...(opts.signature ? { signature: opts.signature } : {}),
  });
  return [sent, received];
}

/** An API call as the caller's traced fetch and the callee's recorder both see it. */
export function apiCall(opts: {
  from: string;
  to: string;
  method?: string;
  url: string;
  status?: number;
  start: number;
  responseBody?: string;
  spanId: string;
}): [RecordedExchange, RecordedExchange] {
  const method = opts.method ?? 'GET';
  return [
    exchange({
      service: opts.from,
      from: opts.from,
      to: opts.to,
      direction: 'out',
      method,
      url: opts.url,
      status: opts.status ?? 200,
      start: opts.start,
      spanId: opts.spanId,
      responseBody: opts.responseBody,
    }),
    exchange({
      service: opts.to,
      direction: 'in',
      method,
      url: opts.url,
      status: opts.status ?? 200,
      start: opts.start + 1,
      ms: 3,
      parentSpanId: opts.spanId,
      spanId: `${opts.spanId.slice(0, 8)}ffffffff`,
      responseBody: opts.responseBody,
    }),
  ];
}

/** A console context for app.request() tests: its own store, a registry of scenarios, no upstreams. */
export function testContext(
  opts: {
    env?: Record<string, string>;
    registry?: RunnerDeps['registry'];
    fetch?: FetchLike;
    assets?: ClientAssets;
  } = {},
): ConsoleContext {
  const config = consoleConfigSchema.parse({ HOOKLAB_DEV: '1', LOG_LEVEL: 'silent', ...opts.env });
  const store = new ConsoleStore();
  const recorder = new ExchangeRecorder('console');
  const fetch = opts.fetch ?? globalThis.fetch;
  return {
    config,
    urls: URLS,
    store,
    recorder,
    fetch,
    runner: createRunner({ store, urls: URLS, keys: {}, fetch, registry: opts.registry }),
    assets: opts.assets ?? {
      bundle: async () => ({ name: 'console-test.js', code: 'console.log(1)', bytes: 14, gzipBytes: 30 }),
    },
  };
}

export type { Exchange };
