import { AsyncLocalStorage } from 'node:async_hooks';
import { randomHex } from './random.ts';

/** A W3C Trace Context position: the trace, this hop's span, and the span that called us. */
export interface TraceContext {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  sampled: boolean;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** Parses a `traceparent` header (W3C Trace Context §3.2); null when absent or invalid. */
export function parseTraceparent(header: string | null | undefined): TraceContext | null {
  if (!header) return null;
  const m = TRACEPARENT.exec(header.trim().toLowerCase());
  if (!m) return null;
  const [, version, traceId, spanId, flags] = m as unknown as [string, string, string, string, string];
  // §3.2.2: version ff is invalid, and all-zero ids are invalid.
  if (version === 'ff' || /^0+$/.test(traceId) || /^0+$/.test(spanId)) return null;
  return { traceId, spanId, sampled: (Number.parseInt(flags, 16) & 1) === 1 };
}

/** Formats a trace context as a `traceparent` header value. */
export function formatTraceparent(t: TraceContext): string {
  return `00-${t.traceId}-${t.spanId}-${t.sampled ? '01' : '00'}`;
}

/** A new root trace. */
export function newTrace(): TraceContext {
  return { traceId: randomHex(16), spanId: randomHex(8), sampled: true };
}

/** A child span of `parent` (or a new root when there is no parent). */
export function childSpan(parent: TraceContext | null | undefined): TraceContext {
  if (!parent) return newTrace();
  return {
    traceId: parent.traceId,
    spanId: randomHex(8),
    parentSpanId: parent.spanId,
    sampled: parent.sampled,
  };
}

const storage = new AsyncLocalStorage<TraceContext>();

/** The trace of the request being handled, if any. */
export function currentTrace(): TraceContext | undefined {
  return storage.getStore();
}

/** Runs `fn` with `trace` as the current trace, so outbound calls made inside carry it. */
export function withTrace<T>(trace: TraceContext, fn: () => T): T {
  return storage.run(trace, fn);
}
