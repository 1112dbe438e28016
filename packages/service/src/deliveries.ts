import type { ExchangeNotes } from './control.ts';
import type { Exchange, ExchangeRecorder } from './exchanges.ts';
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
}

/**
 * The exchange a sender records for one delivery attempt (a dispatcher's `onAttempt`): in the message's
 * trace, with the headers that let the console pair it with the receiver's record of the same attempt.
 * The recorder redacts it like any other exchange.
 */
export function deliveryExchange(
  e: DeliveryAttemptLike,
  names: { from: string; to: string },
): Omit<Exchange, 'id'> & ExchangeNotes {
  const { message, attempt, outcome } = e;
  const trace = parseTraceparent(message.traceparent);
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
    ...(trace ? { traceId: trace.traceId, spanId: trace.spanId } : {}),
    requestHeaders: {
      'content-type': 'application/json',
      ...message.headers,
      'x-hooklab-event-id': message.eventId,
      'x-hooklab-event-type': message.eventType,
      'x-hooklab-attempt': String(attempt.attemptNo),
      'x-hooklab-message-id': message.id,
      ...(message.traceparent ? { traceparent: message.traceparent } : {}),
    },
    responseHeaders: attempt.responseHeaders,
    requestBody: message.body,
    responseBody: attempt.responseExcerpt,
    ...(outcome === 'delivered' ? {} : { error: `${outcome}: ${attempt.failureKind ?? 'failed'}` }),
    attempt: attempt.attemptNo,
    outcome,
    nextAttemptAt: e.nextAttemptAt,
  };
}

/** Records one delivery attempt in `recorder` (see deliveryExchange). */
export function recordDeliveryAttempt(
  recorder: ExchangeRecorder,
  e: DeliveryAttemptLike,
  names: { from?: string; to: string },
): Exchange {
  return recorder.record(deliveryExchange(e, { from: names.from ?? recorder.service, to: names.to }));
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
