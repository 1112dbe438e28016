import { randomHex } from './random.ts';

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

const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'stripe-signature',
  'webhook-signature',
  'x-slack-signature',
  'x-hub-signature',
  'x-hub-signature-256',
  'x-twitter-webhooks-signature',
]);

const SECRET_PATTERN = /\b(sk|rk|whsec|xoxb|xoxp|lg)_(test_|live_)?[A-Za-z0-9+/=_-]{4,}/g;

/** Masks secrets in a header map: credential headers keep only a short prefix. */
export function redactHeaders(
  headers: Headers | Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  const entries: [string, string][] =
    headers instanceof Headers
      ? [...headers.entries()]
      : Object.entries(headers).flatMap(([k, v]) =>
          v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : String(v)]],
        );
  for (const [k, v] of entries) {
    const key = k.toLowerCase();
    out[key] = SECRET_HEADERS.has(key)
      ? `${v.slice(0, Math.min(12, Math.floor(v.length / 3)))}…[redacted]`
      : v;
  }
  return out;
}

/** Cuts a body to `max` characters and masks anything that looks like an API key or signing secret. */
export function excerpt(body: string | undefined | null, max = 2048): string | undefined {
  if (body == null || body === '') return undefined;
  const cut = body.length > max ? `${body.slice(0, max)}…(${body.length - max} more)` : body;
  return cut.replace(SECRET_PATTERN, (m) => `${m.slice(0, m.indexOf('_') + 1)}…[redacted]`);
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
  ) {
    this.ring = new Array(capacity);
  }

  /** Records one exchange (id and time filled in when missing). */
  record(e: Omit<Exchange, 'id' | 'at'> & Partial<Pick<Exchange, 'id' | 'at'>>): Exchange {
    const full: Exchange = {
      id: e.id ?? `exc_${randomHex(8)}`,
      at: e.at ?? Date.now(),
      ...e,
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
