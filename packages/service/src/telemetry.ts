// OpenTelemetry export, loaded only when OTEL_EXPORTER_OTLP_ENDPOINT is set: this module imports no OTel
// package; telemetry-sdk.ts (the SDK and the OTLP exporter) is imported on demand.
import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Logger } from 'pino';
import type { ExchangeRecorder } from './exchanges.ts';
import { redactUrl } from './redact.ts';
import type { TraceContext } from './tracing.ts';

/** The config fields telemetry reads (in baseConfigSchema). */
export interface TelemetryConfig {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_SERVICE_NAME?: string;
}

/** One finished span, named by the kit's own trace and span ids (so the console and Jaeger agree). */
export interface FinishedSpan {
  name: string;
  kind: 'server' | 'client' | 'producer';
  trace: TraceContext;
  /** Epoch milliseconds. */
  startMs: number;
  endMs: number;
  attributes: Record<string, string | number | boolean | undefined>;
  /** Marks the span failed, with this description. */
  error?: string;
}

/** Where finished spans go: the OTel SDK's batch processor and OTLP exporter (telemetry-sdk.ts). */
export interface SpanSink {
  export(span: FinishedSpan): void;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** One app's span export. */
export interface Telemetry {
  readonly serviceName: string;
  /** Settles once the SDK is loaded (spans made before are held, up to a bound). */
  readonly ready: Promise<void>;
  span(span: FinishedSpan): void;
  /** Exports what is batched and stops; spans after that are dropped. */
  shutdown(): Promise<void>;
}

const HELD_BEFORE_READY = 2048;

/** The OTLP/HTTP traces URL for an `OTEL_EXPORTER_OTLP_ENDPOINT` base URL (OTel spec: base + `/v1/traces`). */
export function tracesUrlOf(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Starts exporting spans when the config names an OTLP endpoint; undefined (and nothing loaded) otherwise.
 * `sinkFor` replaces the SDK in unit tests.
 */
export function startTelemetry(
  config: TelemetryConfig,
  defaultName: string,
  opts: { logger?: Logger; sinkFor?: (serviceName: string, tracesUrl: string) => Promise<SpanSink> } = {},
): Telemetry | undefined {
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return undefined;
  const serviceName = config.OTEL_SERVICE_NAME || defaultName;
  const tracesUrl = tracesUrlOf(endpoint);
  const sinkFor =
    opts.sinkFor ??
    (async (name: string, url: string) => (await import('./telemetry-sdk.ts')).createSpanSink(name, url));
  let sink: SpanSink | undefined;
  let stopped = false;
  const held: FinishedSpan[] = [];
  const ready = sinkFor(serviceName, tracesUrl).then(
    (s) => {
      sink = s;
      for (const span of held.splice(0)) s.export(span);
      opts.logger?.info({ serviceName, endpoint: redactUrl(tracesUrl) }, 'exporting traces over OTLP');
    },
    (err) => opts.logger?.error({ err }, 'OpenTelemetry SDK not loaded: no traces exported'),
  );
  return {
    serviceName,
    ready,
    span(span) {
      if (stopped || !span.trace.sampled) return;
      if (sink) sink.export(span);
      else if (held.length < HELD_BEFORE_READY) held.push(span);
    },
    async shutdown() {
      if (stopped) return;
      stopped = true;
      await ready;
      await sink?.shutdown().catch((err) => opts.logger?.warn({ err }, 'traces not flushed'));
    },
  };
}

// Each app's telemetry, found from the objects the app already threads everywhere (as appControl does).
const byRecorder = new WeakMap<ExchangeRecorder, Telemetry>();
const byApp = new WeakMap<object, Telemetry>();

/** Ties `telemetry` to an app and its recorder, so serve(), the traced fetch and delivery records find it. */
export function attachTelemetry(
  telemetry: Telemetry,
  owners: { app: object; recorder?: ExchangeRecorder },
): void {
  byApp.set(owners.app, telemetry);
  if (owners.recorder) byRecorder.set(owners.recorder, telemetry);
}

/** The telemetry of the app that owns `recorder` or `app`, if it exports spans. */
export function telemetryOf(owner: ExchangeRecorder | object | undefined): Telemetry | undefined {
  if (!owner) return undefined;
  return byRecorder.get(owner as ExchangeRecorder) ?? byApp.get(owner);
}

/** Kit routes and health checks make no spans (the console polls them all the time). */
export function isQuietPath(path: string): boolean {
  return path === '/healthz' || path.startsWith('/_hooklab/');
}

/** The route pattern that answered (`/v1/orders/:id`), for a span name of low cardinality. */
function routeOf(c: Context): string | undefined {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const r = routes[i];
    if (r && r.method !== 'ALL' && r.path !== '/*' && r.path !== '*') return r.path;
  }
  return undefined;
}

/** The server span of one request handled by the kit's traceContext middleware. */
export function serverSpan(c: Context, trace: TraceContext, startMs: number, endMs: number): FinishedSpan {
  const route = routeOf(c);
  const status = c.res.status;
  const url = new URL(c.req.url);
  return {
    name: route ? `${c.req.method} ${route}` : c.req.method,
    kind: 'server',
    trace,
    startMs,
    endMs,
    attributes: {
      'http.request.method': c.req.method,
      'http.route': route,
      'url.path': url.pathname,
      'url.scheme': url.protocol.replace(':', ''),
      'http.response.status_code': status,
      'hooklab.request_id': c.get('requestId' as never) as string | undefined,
      'hooklab.from': c.req.header('x-hooklab-from'),
    },
    ...(status >= 500 ? { error: `HTTP ${status}` } : {}),
  };
}

/** The client span of one call made through the traced fetch. */
export function clientSpan(
  req: { method: string; url: string },
  trace: TraceContext,
  startMs: number,
  endMs: number,
  outcome: { status: number | null; error?: string; peer?: string },
): FinishedSpan {
  const url = new URL(req.url);
  return {
    name: req.method,
    kind: 'client',
    trace,
    startMs,
    endMs,
    attributes: {
      'http.request.method': req.method,
      'url.full': redactUrl(req.url),
      'server.address': url.hostname,
      'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      'http.response.status_code': outcome.status ?? undefined,
      'peer.service': outcome.peer,
      'error.type': outcome.error ? 'transport' : undefined,
    },
    ...(outcome.error
      ? { error: outcome.error }
      : outcome.status !== null && outcome.status >= 400
        ? { error: `HTTP ${outcome.status}` }
        : {}),
  };
}
