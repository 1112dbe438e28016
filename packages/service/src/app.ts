import { type Context, Hono, type MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { z } from 'zod';
import { appControl, controlRoutes, exchangeNotes, injectFaults } from './control.ts';
import { type DevSurfaceConfig, devAccessError, devAccessOf } from './dev-surface.ts';
import { defaultErrorPage, type ErrorPageRenderer, prefersHtml } from './error-page.ts';
import { type NormalizedError, normalizeError, problemResponse } from './errors.ts';
import { exchangeStream } from './exchange-stream.ts';
import type { Exchange, ExchangeRecorder } from './exchanges.ts';
import { EXERCISE_HEADER, exerciseMarkOf } from './exercise.ts';
import { newId } from './ids.ts';
import {
  attachTelemetry,
  isQuietPath,
  serverSpan,
  startTelemetry,
  type Telemetry,
  type TelemetryConfig,
} from './telemetry.ts';
import { childSpan, formatTraceparent, parseTraceparent, type TraceContext, withTrace } from './tracing.ts';

export interface ServiceVariables {
  requestId: string;
  trace: TraceContext;
}

export type ServiceEnv = { Variables: ServiceVariables };

/** Renders a normalised error in an app's wire format. */
export type ErrorRenderer = (c: Context, e: NormalizedError) => Response;

export interface ServiceAppOptions {
  /** The service's name, used in logs, health and recorded exchanges. */
  name: string;
  logger?: Logger;
  recorder?: ExchangeRecorder;
  /** How errors look on the wire for API clients; RFC 9457 problem+json by default. */
  renderError?: ErrorRenderer;
  /** The page a browser (Accept prefers text/html) gets for an error; the kit's plain page by default. */
  renderErrorPage?: ErrorPageRenderer;
  /**
   * Path prefixes whose errors are always in the wire format, whatever `Accept` says (an API such as
   * payments' `/v1/`). `/_hooklab/` is always one.
   */
  apiPrefixes?: string[];
  /**
   * Dev mode and dev token (the app's config): `GET /_hooklab/exchanges` is served only in dev mode, to a
   * caller on this machine or one holding HOOKLAB_DEV_TOKEN. Absent = dev mode off.
   */
  dev?: DevSurfaceConfig;
  /** Header that carries the request id (Stripe uses `Request-Id`). */
  requestIdHeader?: string;
  /** Names the caller in recorded exchanges; by default the `x-hooklab-from` header or "client". */
  callerOf?: (c: Context) => string;
  /** Largest request body copied into a recorded exchange, in bytes. */
  recordBodyLimitBytes?: number;
  /** OTLP export (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_SERVICE_NAME`); by default read from `dev`, the app's config. */
  telemetry?: TelemetryConfig;
}

/**
 * Sets a header on the response already made. `c.header()` after `next()` rebuilds the Response around
 * its body stream, which knocks @hono/node-server off its fast path; the headers object is mutable here.
 */
export function setResponseHeader(c: Context, name: string, value: string): void {
  try {
    c.res.headers.set(name, value);
  } catch {
    // Immutable headers (a Response from fetch or Response.redirect): rebuild, the slow way.
    c.header(name, value);
  }
}

const REQUEST_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/** A request-id middleware: keeps a sane inbound id, else makes one, and echoes it back. */
export function requestId(header = 'x-request-id'): MiddlewareHandler<ServiceEnv> {
  return async (c, next) => {
    const inbound = c.req.header(header);
    const id = inbound && REQUEST_ID.test(inbound) ? inbound : newId('req');
    c.set('requestId', id);
    await next();
    setResponseHeader(c, header, id);
  };
}

/**
 * W3C trace propagation: continues the caller's trace (or starts one) for everything this request does;
 * with `telemetry`, the request is also exported as a server span with the same ids.
 */
export function traceContext(telemetry?: Telemetry): MiddlewareHandler<ServiceEnv> {
  return async (c, next) => {
    const span = childSpan(parseTraceparent(c.req.header('traceparent')));
    c.set('trace', span);
    if (telemetry && !isQuietPath(c.req.path)) {
      const startMs = Date.now();
      await withTrace(span, next);
      telemetry.span(serverSpan(c, span, startMs, Date.now()));
    } else await withTrace(span, next);
    setResponseHeader(c, 'traceparent', formatTraceparent(span));
  };
}

const TEXTUAL = /json|text|form|xml|problem/;

/** The body a handler already read through Hono's cache, if any: recording never reads a body twice. */
async function cachedRequestBody(c: Context): Promise<string | undefined> {
  const cache = c.req.bodyCache as {
    text?: Promise<string>;
    arrayBuffer?: Promise<ArrayBuffer>;
    json?: Promise<unknown>;
  };
  try {
    if (cache.text) return await cache.text;
    if (cache.arrayBuffer) return Buffer.from(await cache.arrayBuffer).toString('utf8');
    if (cache.json) return JSON.stringify(await cache.json);
  } catch {
    // A body that failed to parse is the handler's problem, not the recorder's.
  }
  return undefined;
}

let cacheSymbol: symbol | undefined;

/**
 * The string body of a Response that @hono/node-server has not turned into a web stream yet, read from
 * its cache without touching the body (reading or cloning would push it off its fast path). Undefined for
 * any other Response: callers fall back to a clone where that is worth it.
 */
export function peekStringBody(res: Response): string | undefined {
  cacheSymbol ??= Object.getOwnPropertySymbols(res).find((s) => s.description === 'cache');
  const cached = cacheSymbol && (res as unknown as Record<symbol, unknown>)[cacheSymbol];
  return Array.isArray(cached) && typeof cached[1] === 'string' ? cached[1] : undefined;
}

/**
 * Records every inbound request and its answer into the exchange recorder. Bodies are taken from what
 * the handler read (c.req's cache) and answered (peekStringBody) rather than by cloning requests and
 * responses, which forces @hono/node-server off its fast path and cost about two thirds of throughput.
 */
export function recordExchanges(
  recorder: ExchangeRecorder,
  opts: { callerOf?: (c: Context) => string; bodyLimitBytes?: number } = {},
): MiddlewareHandler<ServiceEnv> {
  const limit = opts.bodyLimitBytes ?? 64 * 1024;
  return async (c, next) => {
    const path = c.req.path;
    if (path === '/healthz' || path.startsWith('/_hooklab/')) return next();
    const started = performance.now();
    let error: string | undefined;
    try {
      await next();
    } catch (err) {
      error = err instanceof Error ? err.name : 'error';
      throw err;
    } finally {
      const mark = exerciseMarkOf(c.get('trace'));
      if (mark) c.res.headers.set(EXERCISE_HEADER, mark);
      const res = c.res;
      const resType = res.headers.get('content-type') ?? '';
      let responseBody: string | undefined;
      if (TEXTUAL.test(resType) && !resType.includes('event-stream')) {
        responseBody = peekStringBody(res);
        if (
          responseBody === undefined &&
          res.status >= 400 &&
          Number(res.headers.get('content-length') ?? 0) <= limit
        ) {
          // Errors rendered outside c.json (onError builds its own Response) are rare: cloning is fine.
          responseBody = await res
            .clone()
            .text()
            .catch(() => undefined);
        }
      }
      const requestBody = TEXTUAL.test(c.req.header('content-type') ?? '')
        ? await cachedRequestBody(c)
        : undefined;
      const trace = c.get('trace');
      const e: Omit<Exchange, 'id' | 'at'> = {
        kind:
          c.req.header('webhook-id') || c.req.header('stripe-signature') || c.req.header('x-slack-signature')
            ? 'webhook'
            : 'api',
        direction: 'in',
        from: opts.callerOf?.(c) ?? c.req.header('x-hooklab-from') ?? 'client',
        to: recorder.service,
        method: c.req.method,
        url: c.req.url,
        status: res.status,
        durationMs: performance.now() - started,
        traceId: trace?.traceId,
        spanId: trace?.spanId,
        parentSpanId: trace?.parentSpanId,
        requestHeaders: Object.fromEntries(c.req.raw.headers),
        responseHeaders: Object.fromEntries(res.headers),
        requestBody,
        responseBody,
        error,
        // Attempt number, signature verified by the receiver, injected fault (control.ts).
        ...exchangeNotes(c),
      };
      recorder.record(e);
    }
  };
}

/** Query of `GET /_hooklab/exchanges`: `limit` 1…ring size (default 200 or the ring), `trace_id` 32 hex. */
function exchangesQuery(capacity: number) {
  return z.object({
    limit: z.coerce
      .number({ error: 'limit must be a number' })
      .int('limit must be a whole number')
      .min(1, 'limit must be at least 1')
      .max(capacity, `limit must be at most ${capacity} (the ring's size)`)
      .default(Math.min(200, capacity)),
    trace_id: z
      .string()
      .regex(/^[0-9a-f]{32}$/, 'trace_id must be 32 lower-case hex digits')
      .optional(),
  });
}

/**
 * The Hono app every service starts from: request ids, tracing, exchange recording,
 * `GET /healthz`, and one error handler that never leaks a stack trace and answers a browser
 * with an HTML page, an API client in the app's wire format.
 */
export function createServiceApp<E extends ServiceEnv = ServiceEnv>(opts: ServiceAppOptions): Hono<E> {
  const app = new Hono<E>();
  const renderApi = opts.renderError ?? problemResponse;
  const renderPage = opts.renderErrorPage ?? defaultErrorPage(opts.name);
  const apiPrefixes = ['/_hooklab/', ...(opts.apiPrefixes ?? [])];
  const render = (c: Context, e: NormalizedError) =>
    !apiPrefixes.some((p) => c.req.path.startsWith(p)) && prefersHtml(c) ? renderPage(c, e) : renderApi(c, e);
  const started = Date.now();
  const mw = app as unknown as Hono<ServiceEnv>;
  const telemetry = startTelemetry(
    opts.telemetry ?? (opts.dev as TelemetryConfig | undefined) ?? {},
    opts.name,
    {
      logger: opts.logger,
    },
  );
  if (telemetry) attachTelemetry(telemetry, { app, recorder: opts.recorder });
  mw.use('*', requestId(opts.requestIdHeader));
  mw.use('*', traceContext(telemetry));
  if (opts.recorder)
    mw.use(
      '*',
      recordExchanges(opts.recorder, { callerOf: opts.callerOf, bodyLimitBytes: opts.recordBodyLimitBytes }),
    );
  // After the recorder, so every delivery a fault shaped is recorded with it.
  if (opts.recorder) mw.use('*', injectFaults(appControl(opts.recorder), renderApi));

  app.onError((err, c) => {
    const e = normalizeError(err);
    // A client that went away (or was timed out by serve()) mid-body is not a bug of ours.
    if (e.internal && c.req.raw.signal.aborted)
      opts.logger?.info({ requestId: c.get('requestId' as never), path: c.req.path }, 'client went away');
    else if (e.internal)
      opts.logger?.error(
        { err, requestId: c.get('requestId' as never), path: c.req.path },
        'unhandled error',
      );
    return render(c, e);
  });
  app.notFound((c) =>
    render(c, {
      status: 404,
      code: 'not_found',
      message: `No route for ${c.req.method} ${c.req.path}`,
      extra: {},
      headers: {},
      internal: false,
    }),
  );
  mw.get('/healthz', (c) =>
    c.json({ ok: true, service: opts.name, uptimeSec: Math.round((Date.now() - started) / 1000) }),
  );
  if (opts.recorder) {
    const recorder = opts.recorder;
    const dev: DevSurfaceConfig = opts.dev ?? { HOOKLAB_DEV: false };
    const query = exchangesQuery(recorder.capacity);
    // The kit's own route: problem+json whatever the app's wire format is.
    mw.get('/_hooklab/exchanges', (c) => {
      const access = devAccessOf(c, dev);
      if (access !== 'allowed') return problemResponse(c, normalizeError(devAccessError(access)));
      const q = query.safeParse(c.req.query());
      if (!q.success) return problemResponse(c, normalizeError(q.error));
      c.header('cache-control', 'no-store');
      return c.json({
        service: opts.name,
        data: recorder.list({ traceId: q.data.trace_id, limit: q.data.limit }),
      });
    });
    mw.get('/_hooklab/exchanges/stream', exchangeStream(recorder, dev));
    mw.route('/_hooklab/control', controlRoutes(appControl(recorder), dev));
  }
  return app;
}
