// The headers of one attempt, shared by the outbox dispatcher and the fire-and-forget sender.
import { randomFillSync } from 'node:crypto';
import { type SigningScheme, signHeaders } from './signing.ts';
import type { FailureKind, RetryProfile } from './types.ts';

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
    /** With `slack`, retries carry Slack's retry headers (read from the fields below). */
    profile?: RetryProfile;
    cycleStart?: number;
    /** How the previous attempt failed. */
    lastFailureKind?: FailureKind | null;
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
  if (msg.profile === 'slack')
    Object.assign(headers, slackRetryHeaders(attemptNo - (msg.cycleStart ?? 0) - 1, msg.lastFailureKind));
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

/** Slack's name for how the previous attempt failed (`X-Slack-Retry-Reason`). */
const SLACK_RETRY_REASONS: Record<FailureKind, string> = {
  timeout: 'http_timeout',
  http: 'http_error',
  gone: 'http_error',
  connection: 'connection_failed',
  dns: 'connection_failed',
  ssrf: 'connection_failed',
};

/**
 * Slack's Events API marks a retry with `X-Slack-Retry-Num` (1 for the first retry) and
 * `X-Slack-Retry-Reason`; a first attempt carries neither.
 */
export function slackRetryHeaders(
  retryNum: number,
  lastFailureKind: FailureKind | null | undefined,
): Record<string, string> {
  if (retryNum < 1) return {};
  return {
    'x-slack-retry-num': String(retryNum),
    'x-slack-retry-reason': SLACK_RETRY_REASONS[lastFailureKind ?? 'http'] ?? 'http_error',
  };
}
