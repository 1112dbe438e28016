// At-most-once: one try from memory, no store. A failure is a drop, and drops are counted.
import { createHttpTransport } from '../transport/http-transport.ts';
import type { Transport } from '../transport/types.ts';
import { systemClock } from './clock.ts';
import type { SsrfGuard } from './dispatcher.ts';
import { OutboxInputError } from './errors.ts';
import { newMessageId } from './ids.ts';
import { attemptHeaders } from './request.ts';
import type { SigningScheme } from './signing.ts';
import type { Clock, FailureKind, Logger, NewMessage } from './types.ts';
import { parseNewMessage } from './validate.ts';

export interface FireAndForgetOptions {
  transport?: Transport;
  clock?: Clock;
  timeoutMs?: number;
  maxResponseBytes?: number;
  /** Sends beyond this many in flight are dropped at once rather than queued in memory. */
  maxInFlight?: number;
  ssrf?: SsrfGuard;
  logger?: Logger;
  onResult?: (result: FireAndForgetResult) => void;
}

export interface FireAndForgetResult {
  id: string;
  eventId: string;
  endpointId: string;
  outcome: 'sent' | 'dropped';
  statusCode: number | null;
  failureKind: FailureKind | 'overload' | null;
  durationMs: number;
}

export interface FireAndForget {
  /** Sends once; resolves with what happened (never rejects for a delivery failure). */
  send(message: NewMessage): Promise<FireAndForgetResult>;
  stats(): { sent: number; dropped: number; inFlight: number };
  close(): void;
}

/** Creates an at-most-once sender: one attempt per message, nothing stored, drops counted. */
export function createFireAndForget(options: FireAndForgetOptions = {}): FireAndForget {
  if (typeof options !== 'object' || options === null) {
    throw new OutboxInputError('createFireAndForget', ['options: expected an object']);
  }
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxResponseBytes = options.maxResponseBytes ?? 4096;
  const maxInFlight = options.maxInFlight ?? 1024;
  const transport = options.transport ?? createHttpTransport({ timeoutMs, maxResponseBytes });
  const ownTransport = !options.transport;
  let sent = 0;
  let dropped = 0;
  let inFlight = 0;

  const report = (result: FireAndForgetResult) => {
    if (result.outcome === 'sent') sent++;
    else {
      dropped++;
      options.logger?.warn({ ...result }, 'at-most-once delivery dropped');
    }
    try {
      options.onResult?.(result);
    } catch (error) {
      options.logger?.warn({ err: error }, 'onResult threw');
    }
    return result;
  };

  async function sendParsed(msg: NewMessage, id: string): Promise<FireAndForgetResult> {
    const base = { id, eventId: msg.eventId, endpointId: msg.endpointId };
    const scheme = (msg.signing?.scheme ?? 'none') as SigningScheme;
    const target = { url: msg.url, scheme, secrets: msg.signing?.secrets ?? [] };
    const verdict = options.ssrf ? await options.ssrf.check(target.url) : null;
    if (verdict && !verdict.ok) {
      const failureKind = verdict.code === 'dns_error' ? 'dns' : 'ssrf';
      return report({ ...base, outcome: 'dropped', statusCode: null, failureKind, durationMs: 0 });
    }
    const headers = attemptHeaders(
      {
        id,
        eventId: msg.eventId,
        eventType: msg.eventType,
        body: msg.body,
        headers: msg.headers ?? {},
        traceparent: msg.traceparent ?? null,
      },
      target,
      1,
      clock.now(),
    );
    const result = await transport.send({
      url: target.url,
      headers,
      body: msg.body,
      timeoutMs,
      maxResponseBytes,
      addresses: verdict?.ok ? verdict.addresses : undefined,
    });
    return report({
      ...base,
      outcome: result.ok ? 'sent' : 'dropped',
      statusCode: result.statusCode,
      failureKind: result.statusCode === 410 ? 'gone' : result.failureKind,
      durationMs: result.durationMs,
    });
  }

  return {
    send(input) {
      const msg = parseNewMessage(input, 'fireAndForget.send');
      const id = msg.id ?? newMessageId(clock.now());
      if (inFlight >= maxInFlight) {
        return Promise.resolve(
          report({
            id,
            eventId: msg.eventId,
            endpointId: msg.endpointId,
            outcome: 'dropped',
            statusCode: null,
            failureKind: 'overload',
            durationMs: 0,
          }),
        );
      }
      inFlight++;
      return sendParsed(msg, id).finally(() => {
        inFlight--;
      });
    },
    stats: () => ({ sent, dropped, inFlight }),
    close() {
      if (ownTransport) transport.close();
    },
  };
}
