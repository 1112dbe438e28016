// The OpenTelemetry SDK side of telemetry.ts, imported only when an OTLP endpoint is configured.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type IdGenerator,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { SpanSink } from './telemetry.ts';

const KINDS = { server: SpanKind.SERVER, client: SpanKind.CLIENT, producer: SpanKind.PRODUCER } as const;

/**
 * A span sink over the OTel SDK: a tracer provider for `serviceName` whose spans carry the kit's ids, batched
 * to `exporter` (OTLP/HTTP JSON to `tracesUrl` by default).
 */
export function createSpanSink(serviceName: string, tracesUrl: string, exporter?: SpanExporter): SpanSink {
  // The SDK asks its id generator for each span's ids: it hands back the ids the kit already propagated.
  let next: { traceId: string; spanId: string } | undefined;
  const idGenerator: IdGenerator = {
    generateTraceId: () => next?.traceId ?? '',
    generateSpanId: () => next?.spanId ?? '',
  };
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
    idGenerator,
    spanProcessors: [new BatchSpanProcessor(exporter ?? new OTLPTraceExporter({ url: tracesUrl }))],
  });
  const tracer = provider.getTracer('@hooklab/service');
  return {
    export(s) {
      const { traceId, spanId, parentSpanId, sampled } = s.trace;
      const parent = parentSpanId
        ? trace.setSpanContext(ROOT_CONTEXT, {
            traceId,
            spanId: parentSpanId,
            traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
            isRemote: true,
          })
        : ROOT_CONTEXT;
      next = { traceId, spanId };
      const attributes = Object.fromEntries(Object.entries(s.attributes).filter(([, v]) => v !== undefined));
      const span = tracer.startSpan(
        s.name,
        { kind: KINDS[s.kind], startTime: s.startMs, attributes: attributes as Record<string, string> },
        parent,
      );
      next = undefined;
      if (s.error) span.setStatus({ code: SpanStatusCode.ERROR, message: s.error });
      span.end(s.endMs);
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
