import { randomHex } from './random.ts';
import { redactBody, redactHeaders, redactText, redactUrl } from './redact.ts';

/** One request an app sent or received, as the console draws it. */
export interface Exchange {
  id: string;
  at: number;
  /** `api` for request–response calls, `webhook` for event deliveries, or another transport name. */
  kind: string;
  direction: 'in' | 'out';
  from: string;
  to: string;
  method: string;
  url: string;
  status: number | null;
  durationMs: number;
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
  requestBody?: string;
  responseBody?: string;
  error?: string;
}

export type ExchangeSink = (e: Exchange) => void;

const CUT = /…\(\d+ more\)$/;

/** Cuts a body to `max` characters, after masking its secrets and personal data (redactBody). */
export function excerpt(body: string | undefined | null, max = 2048): string | undefined {
  if (body == null || body === '') return undefined;
  const clean = redactBody(body);
  // Idempotent: a body this function already cut is not cut again.
  if (clean.length <= max || (CUT.test(clean) && clean.length <= max + 24)) return clean;
  return `${clean.slice(0, max)}…(${clean.length - max} more)`;
}

/** Largest body given to the redactor; bigger ones are cut first (and redacted as cut-short text). */
const REDACT_INPUT_MAX = 256 * 1024;

/**
 * Everything an exchange carries, with secrets and personal data masked: URL, headers, bodies (cut to
 * `max` characters) and error. The recorder applies it to every exchange, whoever records it.
 */
export function redactExchange<E extends Omit<Exchange, 'id' | 'at'>>(e: E, max = 2048): E {
  const body = (b: string | undefined) =>
    excerpt(b && b.length > REDACT_INPUT_MAX ? b.slice(0, REDACT_INPUT_MAX) : b, max);
  return {
    ...e,
    url: redactUrl(e.url),
    requestHeaders: redactHeaders(e.requestHeaders),
    responseHeaders: redactHeaders(e.responseHeaders),
    requestBody: body(e.requestBody),
    responseBody: body(e.responseBody),
    error: e.error === undefined ? undefined : redactText(e.error),
  };
}

/** Keeps the last `capacity` exchanges in a ring and forwards each to subscribed sinks. */
export class ExchangeRecorder {
  private readonly ring: (Exchange | undefined)[];
  private next = 0;
  private count = 0;
  private readonly sinks = new Set<ExchangeSink>();

  constructor(
    readonly service: string,
    readonly capacity = 1000,
    /** Longest body excerpt kept, in characters. */
    readonly bodyChars = 2048,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.ring = new Array(capacity);
  }

  /**
   * Records one exchange (id and time filled in when missing). Callers pass what went over the wire:
   * the recorder masks secrets and personal data (redactExchange) before storing or forwarding it.
   */
  record(e: Omit<Exchange, 'id' | 'at'> & Partial<Pick<Exchange, 'id' | 'at'>>): Exchange {
    const full: Exchange = {
      ...redactExchange(e, this.bodyChars),
      id: e.id ?? `exc_${randomHex(8)}`,
      at: e.at ?? Date.now(),
    } as Exchange;
    this.ring[this.next] = full;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
    for (const sink of this.sinks) {
      try {
        sink(full);
      } catch {
        // A broken sink must never break the request being recorded.
      }
    }
    return full;
  }

  /** The recorded exchanges, oldest first; optionally only those of one trace. */
  list(filter: { traceId?: string; limit?: number } = {}): Exchange[] {
    const out: Exchange[] = [];
    for (let i = 0; i < this.count; i++) {
      const e = this.ring[(this.next - this.count + i + this.capacity) % this.capacity];
      if (e && (!filter.traceId || e.traceId === filter.traceId)) out.push(e);
    }
    return filter.limit ? out.slice(-filter.limit) : out;
  }

  /** Adds a sink; returns a function that removes it. */
  subscribe(sink: ExchangeSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
    this.count = 0;
  }
}
