// The headers of one attempt, shared by the outbox dispatcher and the fire-and-forget sender.
import { randomFillSync } from 'node:crypto';
import { type SigningScheme, signHeaders } from './signing.ts';

export const USER_AGENT = 'Hooklab-Webhooks/1.0';

export interface AttemptTarget {
  url: string;
  scheme: SigningScheme;
  secrets: string[];
}

export function attemptHeaders(
  msg: {
    id: string;
    eventId: string;
    eventType: string;
    body: string;
    headers: Record<string, string>;
    traceparent: string | null;
  },
  target: AttemptTarget,
  attemptNo: number,
  nowMs: number,
  traceparent: string | null = msg.traceparent,
): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    ...msg.headers,
    'x-hooklab-event-id': msg.eventId,
    'x-hooklab-event-type': msg.eventType,
    'x-hooklab-attempt': String(attemptNo),
  };
  if (traceparent) headers.traceparent = traceparent;
  // Signed at send time, never at enqueue: a retry needs a fresh timestamp and the current secrets.
  const signature = signHeaders(target.scheme, {
    id: msg.id,
    timestampSec: Math.floor(nowMs / 1000),
    body: msg.body,
    secrets: target.secrets,
  });
  return Object.assign(headers, signature);
}

/**
 * The `traceparent` one attempt sends: the message's trace, with a span id of the attempt's own, so each
 * attempt is a span under the message's (W3C: a new parent-id per outgoing request).
 */
export function attemptTraceparent(messageTraceparent: string): string {
  // One syscall fills ids for 512 attempts: a randomBytes call per attempt cost about 15 µs here.
  if (spanIdOffset === SPAN_ID_POOL.length) {
    randomFillSync(SPAN_ID_POOL);
    spanIdOffset = 0;
  }
  const spanId = SPAN_ID_POOL.toString('hex', spanIdOffset, spanIdOffset + 8);
  spanIdOffset += 8;
  return `${messageTraceparent.slice(0, 36)}${spanId}${messageTraceparent.slice(52)}`;
}

const SPAN_ID_POOL = Buffer.allocUnsafe(4096);
let spanIdOffset = SPAN_ID_POOL.length;
