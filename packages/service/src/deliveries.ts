import type { ExchangeNotes } from './control.ts';
import type { Exchange, ExchangeRecorder } from './exchanges.ts';
import { redactUrl } from './redact.ts';
import { type FinishedSpan, telemetryOf } from './telemetry.ts';
import { parseTraceparent } from './tracing.ts';

/** One delivery attempt as an outbox dispatcher reports it (structurally @hooklab/webhooks' AttemptEvent). */
export interface DeliveryAttemptLike {
  message: {
    id: string;
    url: string;
    eventType: string;
    eventId: string;
    body: string;
    headers: Record<string, string>;
    traceparent: string | null;
  };
  attempt: {
    attemptNo: number;
    startedAt: number;
    durationMs: number;
    statusCode: number | null;
    failureKind: string | null;
    responseExcerpt: string;
    responseHeaders: Record<string, string>;
  };
  /** `failed`: the dispatcher stopped retrying while the endpoint was being disabled (kept for replay). */
  outcome: 'delivered' | 'retry' | 'dead' | 'failed';
  nextAttemptAt: number | null;
  /** The `traceparent` the attempt sent: its own span under the message's (absent: the message's). */
  traceparent?: string | null;
}

/**
 * The exchange a sender records for one delivery attempt (a dispatcher's `onAttempt`): in the message's
 * trace, with the headers that let the console pair it with the receiver's record of the same attempt.
 * The recorder redacts it like any other exchange.
 */
export function deliveryExchange(
  e: DeliveryAttemptLike,
  names: { from: string; to: string; exercise?: string },
): Omit<Exchange, 'id'> & ExchangeNotes {
  const { message, attempt, outcome } = e;
  const trace = parseTraceparent(message.traceparent);
  const sent = parseTraceparent(e.traceparent) ?? trace;
  return {
    at: attempt.startedAt + attempt.durationMs,
    kind: 'webhook',
    direction: 'out',
    from: names.from,
    to: names.to,
    method: 'POST',
    url: message.url,
    status: attempt.statusCode,
    durationMs: attempt.durationMs,
    ...(sent ? { traceId: sent.traceId, spanId: sent.spanId } : {}),
    ...(trace && sent && sent.spanId !== trace.spanId ? { parentSpanId: trace.spanId } : {}),
    requestHeaders: {
      'content-type': 'application/json',
      ...message.headers,
      'x-hooklab-event-id': message.eventId,
      'x-hooklab-event-type': message.eventType,
      'x-hooklab-attempt': String(attempt.attemptNo),
      'x-hooklab-message-id': message.id,
      ...(e.traceparent || message.traceparent
        ? { traceparent: (e.traceparent || message.traceparent)! }
        : {}),
    },
    responseHeaders: attempt.responseHeaders,
    requestBody: message.body,
    responseBody: attempt.responseExcerpt,
    ...(outcome === 'delivered' ? {} : { error: `${outcome}: ${attempt.failureKind ?? 'failed'}` }),
    attempt: attempt.attemptNo,
    outcome,
    nextAttemptAt: e.nextAttemptAt,
    ...(names.exercise ? { exercise: names.exercise } : {}),
  };
}

/**
 * The span of one delivery attempt for OTLP export: the attempt's own span id (what the receiver saw as its
 * parent), under the message's span; null when the attempt carried no trace of its own.
 */
export function deliverySpan(e: DeliveryAttemptLike, to: string): FinishedSpan | null {
  const sent = parseTraceparent(e.traceparent);
  const message = parseTraceparent(e.message.traceparent);
  if (!sent || !message) return null;
  const { attempt } = e;
  const failed = e.outcome !== 'delivered';
  return {
    name: `webhook ${e.message.eventType}`,
    kind: 'producer',
    trace: { ...sent, parentSpanId: message.spanId },
    startMs: attempt.startedAt,
    endMs: attempt.startedAt + attempt.durationMs,
    attributes: {
      'http.request.method': 'POST',
      'url.full': redactUrl(e.message.url),
      'http.response.status_code': attempt.statusCode ?? undefined,
      'peer.service': to,
      'hooklab.event.id': e.message.eventId,
      'hooklab.event.type': e.message.eventType,
      'hooklab.message.id': e.message.id,
      'hooklab.attempt': attempt.attemptNo,
      'hooklab.outcome': e.outcome,
    },
    ...(failed ? { error: `${e.outcome}: ${attempt.failureKind ?? 'failed'}` } : {}),
  };
}

/** Records one delivery attempt in `recorder` (see deliveryExchange), and exports its span if the app does. */
export function recordDeliveryAttempt(
  recorder: ExchangeRecorder,
  e: DeliveryAttemptLike,
  names: { from?: string; to: string; exercise?: string },
): Exchange {
  const telemetry = telemetryOf(recorder);
  if (telemetry) {
    const span = deliverySpan(e, names.to);
    if (span) telemetry.span(span);
  }
  return recorder.record(deliveryExchange(e, { ...names, from: names.from ?? recorder.service }));
}

/**
 * Whether an app's delivery attempts are worth recording: in dev mode (the console reads the recorder) or with
 * an OTLP export (their spans). Outside both nothing reads them, and a fan-out of thousands of attempts pays
 * for redacting each one. Opt-in per app; `recordDeliveryAttempt` itself still records whenever called.
 */
export function deliveriesObserved(recorder: ExchangeRecorder, opts: { dev: boolean }): boolean {
  return opts.dev || telemetryOf(recorder) !== undefined;
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;

/** localhost, 127.0.0.1 and [::1] on one port are one place. */
function placeOf(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return LOOPBACK.test(url.hostname) ? `loopback:${port}` : `${url.hostname}:${port}`;
}

/**
 * Names the service behind a URL from the service map (`serviceUrls(env)`), for the `to` of a recorded
 * exchange; any other URL is named by its host.
 */
export function serviceNamer(urls: Record<string, string>): (url: string | URL) => string {
  const byPlace = new Map(Object.entries(urls).map(([name, u]) => [placeOf(new URL(u)), name]));
  return (url) => {
    try {
      const parsed = new URL(url);
      return byPlace.get(placeOf(parsed)) ?? parsed.host;
    } catch {
      return String(url);
    }
  };
}
