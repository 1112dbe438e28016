// The CloudEvents 1.0 envelope (structured JSON mode) that queue and topic messages carry.
import type { TransportRequest } from './types.ts';

export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  datacontenttype: string;
  data: T;
  /** Distributed tracing extension: the attempt's W3C traceparent. */
  traceparent?: string;
  /** Which delivery attempt of the outbox message this is (a redelivery carries a higher one). */
  hooklabattempt?: number;
}

/** Wraps one attempt's body in an envelope; the event id is the CloudEvent id, so consumers dedupe on it. */
export function cloudEventOf(request: TransportRequest, source: string, now = new Date()): CloudEvent {
  const h = request.headers;
  let data: unknown = request.body;
  let datacontenttype = 'text/plain';
  try {
    data = JSON.parse(request.body);
    datacontenttype = 'application/json';
  } catch {
    // Not JSON: carried as text.
  }
  const event: CloudEvent = {
    specversion: '1.0',
    id: h['x-hooklab-event-id'] ?? 'unknown',
    source,
    type: h['x-hooklab-event-type'] ?? 'unknown',
    time: now.toISOString(),
    datacontenttype,
    data,
  };
  if (h.traceparent) event.traceparent = h.traceparent;
  const attempt = Number(h['x-hooklab-attempt']);
  if (Number.isInteger(attempt)) event.hooklabattempt = attempt;
  return event;
}

/** Parses an envelope read from a queue or topic; null when it is not one. */
export function parseCloudEvent(raw: string | Buffer): CloudEvent | null {
  try {
    const value = JSON.parse(raw.toString()) as Partial<CloudEvent>;
    if (value?.specversion !== '1.0' || typeof value.id !== 'string' || typeof value.type !== 'string') {
      return null;
    }
    return value as CloudEvent;
  } catch {
    return null;
  }
}
