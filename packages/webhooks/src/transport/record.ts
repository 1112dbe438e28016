// Arrivals at a consumer or subscriber, recorded as exchanges so the console draws them as arrows of
// their own kind. Structural: any ExchangeRecorder of @hooklab/service fits.
import type { CloudEvent } from './cloud-event.ts';

export interface ArrivalExchange {
  kind: string;
  direction: 'in';
  from: string;
  to: string;
  method: string;
  url: string;
  status: number | null;
  durationMs: number;
  traceId?: string;
  spanId?: string;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
  requestBody?: string;
  error?: string;
}

export interface ArrivalRecorder {
  record(exchange: ArrivalExchange): unknown;
}

export function recordArrival(
  recorder: ArrivalRecorder | undefined,
  kind: 'queue' | 'topic' | 'email',
  url: string,
  event: CloudEvent,
  to: string,
  startedMs: number,
  error?: unknown,
): void {
  if (!recorder) return;
  const [, traceId, spanId] = event.traceparent?.split('-') ?? [];
  try {
    recorder.record({
      kind,
      direction: 'in',
      // A CloudEvents source such as /logistics names the service the console draws the arrow from.
      from: event.source.replace(/^\//, ''),
      to,
      method: kind === 'queue' ? 'CONSUME' : 'PUBLISH',
      url,
      status: error === undefined ? 200 : 500,
      durationMs: Math.round((performance.now() - startedMs) * 10) / 10,
      traceId,
      spanId,
      requestHeaders: {
        'ce-id': event.id,
        'ce-type': event.type,
        'ce-source': event.source,
        ...(event.traceparent ? { traceparent: event.traceparent } : {}),
      },
      responseHeaders: {},
      requestBody: JSON.stringify(event),
      error: error === undefined ? undefined : String((error as Error)?.message ?? error),
    });
  } catch {
    // Recording is for people; it never breaks a consumer.
  }
}
