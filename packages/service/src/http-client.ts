import type { ExchangeRecorder } from './exchanges.ts';
import { clientSpan, isQuietPath, telemetryOf } from './telemetry.ts';
import { childSpan, currentTrace, formatTraceparent } from './tracing.ts';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface TracedFetchOptions {
  /** The calling service's name (the "from" of each recorded exchange). */
  from: string;
  recorder?: ExchangeRecorder;
  /** Names the callee for the diagram: a function from URL to service name. */
  nameOf?: (url: URL) => string;
  kind?: string;
  fetch?: FetchLike;
}

/**
 * A fetch for API calls (not the webhook hot path) that adds `traceparent` from the current
 * trace and records the exchange (the recorder masks its secrets and personal data).
 * Official SDKs take it as their fetch/httpClient.
 */
export function createTracedFetch(opts: TracedFetchOptions): FetchLike {
  const base = opts.fetch ?? globalThis.fetch;
  return async (input, init) => {
    const req = new Request(input, init);
    const span = childSpan(currentTrace());
    const ownSpan = !req.headers.has('traceparent');
    if (ownSpan) req.headers.set('traceparent', formatTraceparent(span));
    const started = performance.now();
    const reqBody = opts.recorder && req.body ? await req.clone().text() : undefined;
    const url = new URL(req.url);
    // The app's OTLP export, if on: a client span with the ids of the traceparent sent.
    const telemetry = ownSpan && !isQuietPath(url.pathname) ? telemetryOf(opts.recorder) : undefined;
    const startMs = telemetry ? Date.now() : 0;
    try {
      const res = await base(req);
      const peer = telemetry && (opts.nameOf?.(url) ?? url.host);
      telemetry?.span(clientSpan(req, span, startMs, Date.now(), { status: res.status, peer }));
      if (opts.recorder) {
        const resBody = await res
          .clone()
          .text()
          .catch(() => undefined);
        opts.recorder.record({
          kind: opts.kind ?? 'api',
          direction: 'out',
          from: opts.from,
          to: opts.nameOf?.(url) ?? url.host,
          method: req.method,
          url: req.url,
          status: res.status,
          durationMs: performance.now() - started,
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId,
          requestHeaders: Object.fromEntries(req.headers),
          responseHeaders: Object.fromEntries(res.headers),
          requestBody: reqBody,
          responseBody: resBody,
        });
      }
      return res;
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      telemetry?.span(clientSpan(req, span, startMs, Date.now(), { status: null, error }));
      opts.recorder?.record({
        kind: opts.kind ?? 'api',
        direction: 'out',
        from: opts.from,
        to: opts.nameOf?.(url) ?? url.host,
        method: req.method,
        url: req.url,
        status: null,
        durationMs: performance.now() - started,
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId,
        requestHeaders: Object.fromEntries(req.headers),
        responseHeaders: {},
        requestBody: reqBody,
        error: err instanceof Error ? err.message : String(err),
      });
      throw err;
    }
  };
}
