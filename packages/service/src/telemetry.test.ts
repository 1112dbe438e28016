import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { Hono } from 'hono';
import { describe, expect, it, vi } from 'vitest';
import { requestId, type ServiceEnv, traceContext } from './app.ts';
import { baseConfigSchema, ConfigError, loadConfig } from './config.ts';
import { type DeliveryAttemptLike, deliveryExchange, recordDeliveryAttempt } from './deliveries.ts';
import { ExchangeRecorder } from './exchanges.ts';
import { createTracedFetch } from './http-client.ts';
import {
  attachTelemetry,
  type FinishedSpan,
  type SpanSink,
  startTelemetry,
  tracesUrlOf,
} from './telemetry.ts';
import { createSpanSink } from './telemetry-sdk.ts';
import { parseTraceparent, withTrace } from './tracing.ts';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const INCOMING = `00-${TRACE}-b7ad6b7169203331-01`;

async function fakeTelemetry() {
  const spans: FinishedSpan[] = [];
  const sink: SpanSink = {
    export: (s) => void spans.push(s),
    flush: async () => {},
    shutdown: vi.fn(async () => {}),
  };
  const telemetry = startTelemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, 'shop', {
    sinkFor: async () => sink,
  })!;
  await telemetry.ready;
  return { spans, sink, telemetry };
}

describe('telemetry', () => {
  it('loads nothing without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
    const sinkFor = vi.fn();
    expect(startTelemetry({}, 'shop', { sinkFor })).toBeUndefined();
    expect(sinkFor).not.toHaveBeenCalled();
  });

  it('reads the endpoint and service name through the config schema, refusing a non-URL by name', () => {
    const cfg = loadConfig(baseConfigSchema, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318/' });
    expect(tracesUrlOf(cfg.OTEL_EXPORTER_OTLP_ENDPOINT!)).toBe('http://localhost:4318/v1/traces');
    expect(cfg.OTEL_SERVICE_NAME).toBeUndefined();
    expect(
      loadConfig(baseConfigSchema, { OTEL_EXPORTER_OTLP_ENDPOINT: '' }).OTEL_EXPORTER_OTLP_ENDPOINT,
    ).toBe(undefined);
    expect(() => loadConfig(baseConfigSchema, { OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT: must be an http\(s\) URL/,
    );
    expect(() => loadConfig(baseConfigSchema, { OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://x' })).toThrow(
      ConfigError,
    );
  });

  it('OTEL_SERVICE_NAME overrides the app name; spans made before the SDK loads are held, then exported', async () => {
    const spans: FinishedSpan[] = [];
    let loaded!: (s: SpanSink) => void;
    const t = startTelemetry(
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318', OTEL_SERVICE_NAME: 'shop-eu' },
      'shop',
      {
        sinkFor: () => new Promise((r) => (loaded = r)),
      },
    )!;
    expect(t.serviceName).toBe('shop-eu');
    const span = {
      name: 'x',
      kind: 'server',
      trace: parseTraceparent(INCOMING)!,
      startMs: 1,
      endMs: 2,
      attributes: {},
    };
    t.span(span as FinishedSpan);
    loaded({ export: (s) => void spans.push(s), flush: async () => {}, shutdown: async () => {} });
    await t.ready;
    expect(spans).toEqual([span]);
  });

  it('server spans carry the ids of the traceparent continued and answered, the route as name; none for /healthz', async () => {
    const { spans, telemetry } = await fakeTelemetry();
    const app = new Hono<ServiceEnv>();
    app.use('*', requestId(), traceContext(telemetry));
    app.get('/orders/:id', (c) => c.json({ id: c.req.param('id') }));
    app.get('/healthz', (c) => c.json({ ok: true }));
    const res = await app.request('/orders/ord_1?secret=1', { headers: { traceparent: INCOMING } });
    await app.request('/healthz');
    const answered = parseTraceparent(res.headers.get('traceparent'))!;
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({
      name: 'GET /orders/:id',
      kind: 'server',
      trace: { traceId: TRACE, spanId: answered.spanId, parentSpanId: 'b7ad6b7169203331' },
      attributes: {
        'http.route': '/orders/:id',
        'url.path': '/orders/ord_1',
        'http.response.status_code': 200,
      },
    });
  });

  it('the traced fetch exports a client span with the ids of the traceparent it sent', async () => {
    const { spans, telemetry } = await fakeTelemetry();
    const recorder = new ExchangeRecorder('shop');
    attachTelemetry(telemetry, { app: {}, recorder });
    let sent: string | null = null;
    const fetch = createTracedFetch({
      from: 'shop',
      recorder,
      nameOf: () => 'payments',
      fetch: async (req) => {
        sent = (req as Request).headers.get('traceparent');
        return new Response('{}', { status: 402 });
      },
    });
    await withTrace(parseTraceparent(INCOMING)!, () =>
      fetch('http://127.0.0.1:4010/v1/charges', { method: 'POST' }),
    );
    const wire = parseTraceparent(sent)!;
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({
      name: 'POST',
      kind: 'client',
      trace: { traceId: TRACE, spanId: wire.spanId, parentSpanId: 'b7ad6b7169203331' },
      attributes: { 'peer.service': 'payments', 'http.response.status_code': 402 },
      error: 'HTTP 402',
    });
  });

  it('a delivery attempt is a span of its own under the message span; the recorder holds the same ids', async () => {
    const { spans, telemetry } = await fakeTelemetry();
    const recorder = new ExchangeRecorder('payments');
    attachTelemetry(telemetry, { app: {}, recorder });
    const attemptTp = `00-${TRACE}-00f067aa0ba902b7-01`;
    const e: DeliveryAttemptLike = {
      message: {
        id: 'msg_1',
        url: 'http://127.0.0.1:4000/webhooks/stripe',
        eventType: 'checkout.session.completed',
        eventId: 'evt_1',
        body: '{}',
        headers: {},
        traceparent: INCOMING,
      },
      attempt: {
        attemptNo: 2,
        startedAt: 1_700_000_000_000,
        durationMs: 12,
        statusCode: 503,
        failureKind: 'http_5xx',
        responseExcerpt: '',
        responseHeaders: {},
      },
      outcome: 'retry',
      nextAttemptAt: null,
      traceparent: attemptTp,
    };
    const recorded = recordDeliveryAttempt(recorder, e, { to: 'shop' });
    expect(spans[0]).toMatchObject({
      name: 'webhook checkout.session.completed',
      kind: 'producer',
      trace: { traceId: TRACE, spanId: '00f067aa0ba902b7', parentSpanId: 'b7ad6b7169203331' },
      startMs: 1_700_000_000_000,
      endMs: 1_700_000_000_012,
      attributes: { 'hooklab.attempt': 2, 'http.response.status_code': 503, 'peer.service': 'shop' },
      error: 'retry: http_5xx',
    });
    expect(recorded).toMatchObject({ spanId: '00f067aa0ba902b7', parentSpanId: 'b7ad6b7169203331' });
    expect(recorded.requestHeaders.traceparent).toBe(attemptTp);
    // A sender that reports no attempt traceparent is recorded in the message's span, as before.
    expect(deliveryExchange({ ...e, traceparent: undefined }, { from: 'a', to: 'b' })).toMatchObject({
      spanId: 'b7ad6b7169203331',
    });
  });

  it('the SDK sink exports spans with exactly the kit ids, kind, times and service name', async () => {
    const exporter = new InMemorySpanExporter();
    const sink = createSpanSink('logistics', 'http://127.0.0.1:1/v1/traces', exporter);
    sink.export({
      name: 'GET /v1/shipments/:id',
      kind: 'server',
      trace: { traceId: TRACE, spanId: '1111111111111111', parentSpanId: '2222222222222222', sampled: true },
      startMs: 1_700_000_000_000,
      endMs: 1_700_000_000_250,
      attributes: { 'http.response.status_code': 500, absent: undefined },
      error: 'HTTP 500',
    });
    sink.export({
      name: 'root',
      kind: 'client',
      trace: { traceId: TRACE.replace('0a', '0b'), spanId: '3333333333333333', sampled: true },
      startMs: 1_700_000_000_000,
      endMs: 1_700_000_000_001,
      attributes: {},
    });
    await sink.flush();
    const [server, root] = exporter.getFinishedSpans();
    expect(server?.spanContext()).toMatchObject({ traceId: TRACE, spanId: '1111111111111111' });
    expect(server?.parentSpanContext?.spanId).toBe('2222222222222222');
    expect(server?.kind).toBe(SpanKind.SERVER);
    expect(server?.resource.attributes['service.name']).toBe('logistics');
    expect(server?.status.code).toBe(2);
    expect(server?.attributes).toEqual({ 'http.response.status_code': 500 });
    expect(server?.startTime).toEqual([1_700_000_000, 0]);
    expect(server?.endTime).toEqual([1_700_000_000, 250_000_000]);
    expect(root?.spanContext().spanId).toBe('3333333333333333');
    expect(root?.parentSpanContext).toBeUndefined();
    await sink.shutdown();
  });
});
