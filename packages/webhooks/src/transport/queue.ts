// queue:NAME targets: competing consumers, each message handled by one of them. REDIS_URL selects Redis
// Streams; without it, the embedded SQLite queue (one file every process on the machine shares).
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { connectionFailure, startAttempt, withinDeadline } from './attempt.ts';
import { parseCallbackTarget } from './callback-target.ts';
import { type CloudEvent, cloudEventOf } from './cloud-event.ts';
import { noteCrash, openCrashOf, takeConsumerCrash, transportFaultBoard } from './faults.ts';
import type { QueueBroker, QueueDelivery } from './queue-broker.ts';
import { type ArrivalRecorder, recordArrival } from './record.ts';
import { createRedisQueue } from './redis-queue.ts';
import { createSqliteQueue } from './sqlite-queue.ts';
import type { Transport, TransportRequest, TransportResult } from './types.ts';

export interface QueueBrokerOptions {
  /** Redis Streams at this URL (REDIS_URL); default the embedded SQLite queue. */
  redisUrl?: string;
  /** The embedded queue's file (QUEUE_DB); see `defaultQueueFile`. */
  file?: string;
}

export function createQueueBroker(options: QueueBrokerOptions = {}): QueueBroker {
  return options.redisUrl
    ? createRedisQueue({ url: options.redisUrl })
    : createSqliteQueue({ file: options.file });
}

export interface QueueTransportOptions {
  broker: QueueBroker;
  /** CloudEvents `source`; default `hooklab`. */
  source?: string;
  timeoutMs?: number;
}

/** A `Transport` for `queue:` targets: delivered once the engine has stored the message. */
export function createQueueTransport(options: QueueTransportOptions): Transport {
  const source = options.source ?? 'hooklab';
  const timeoutMs = options.timeoutMs ?? 10_000;
  async function send(request: TransportRequest): Promise<TransportResult> {
    const done = startAttempt();
    const parsed = parseCallbackTarget(request.url);
    if (!parsed.ok || parsed.target.kind !== 'queue') return done(connectionFailure('not a queue: target'));
    try {
      const deadline = request.timeoutMs ?? timeoutMs;
      const stored = options.broker.publish(parsed.target.name, cloudEventOf(request, source));
      if ((await withinDeadline(stored, deadline)) === 'timeout') {
        return done({
          ok: false,
          statusCode: null,
          failureKind: 'timeout',
          excerpt: `not stored within ${deadline} ms`,
        });
      }
      return done({
        ok: true,
        statusCode: null,
        failureKind: null,
        excerpt: `queued (${options.broker.kind})`,
      });
    } catch (error) {
      return done(connectionFailure((error as Error).message));
    }
  }
  return { send, close() {} };
}

export interface ConsumeQueueOptions {
  broker: QueueBroker;
  /** This consumer's name in the group; default a random one. Competing consumers use different names. */
  consumer?: string;
  /** Not acked within this → redelivered to any consumer; default 30 s. */
  visibilityMs?: number;
  /** Delivered this many times without an ack → dead letters; default 5. */
  maxDeliveries?: number;
  /** Messages handled at once; default 1. */
  concurrency?: number;
  /** Each arrival recorded as an exchange of kind `queue`. */
  recorder?: ArrivalRecorder;
  onError?: (error: unknown) => void;
  /**
   * After an injected crash ("consumer crashes before ack") the consumer is restarted after this long, as a
   * supervisor (pm2, Kubernetes) restarts a dead worker; default 1000 ms.
   */
  restartMs?: number;
}

export interface QueueConsumer {
  readonly consumer: string;
  /** Stops taking messages; those taken and not acked come back after the visibility timeout. */
  close(): Promise<void>;
}

export interface QueueMessageInfo {
  deliveries: number;
  consumer: string;
}

/**
 * Consumes `queue:NAME`: `handler` resolving acks the message; throwing (or the process dying) leaves it
 * unacked, so it is redelivered after `visibilityMs` — to this consumer or another.
 */
export function consumeQueue(
  name: string,
  handler: (event: CloudEvent, info: QueueMessageInfo) => unknown,
  options: ConsumeQueueOptions,
): QueueConsumer {
  const parsed = parseCallbackTarget(`queue:${name}`);
  if (!parsed.ok) throw new TypeError(parsed.reason);
  const consumer = options.consumer ?? `consumer-${randomBytes(4).toString('hex')}`;
  const visibilityMs = options.visibilityMs ?? 30_000;
  const maxDeliveries = options.maxDeliveries ?? 5;
  const concurrency = options.concurrency ?? 1;
  const restartMs = options.restartMs ?? 1000;
  const stop = new AbortController();
  const url = `queue:${name}`;
  // This incarnation took an injected crash: the rest of its batch is dropped unacked, like a dead process's.
  let crashed = false;

  const crash = (d: QueueDelivery, started: number) => {
    crashed = true;
    noteCrash({
      at: Date.now(),
      queue: name,
      consumer,
      eventId: d.event.id,
      eventType: d.event.type,
      ...(d.event.traceparent ? { traceparent: d.event.traceparent } : {}),
    });
    const error = new Error(
      `${consumer} crashed before its ack (injected fault); redelivered after ${visibilityMs} ms`,
    );
    recordArrival(
      options.recorder ?? transportFaultBoard().witness,
      'queue',
      url,
      d.event,
      consumer,
      started,
      error,
    );
    options.onError?.(error);
  };

  const handle = async (d: QueueDelivery) => {
    const started = performance.now();
    if (crashed) return;
    if (takeConsumerCrash()) return crash(d, started);
    try {
      await handler(d.event, { deliveries: d.deliveries, consumer });
    } catch (error) {
      recordArrival(options.recorder, 'queue', url, d.event, consumer, started, error);
      options.onError?.(error);
      return; // not acked: redelivered after the visibility timeout
    }
    const open = openCrashOf(d.event.id);
    if (open) open.redelivered = { at: Date.now(), consumer, deliveries: d.deliveries };
    // The redelivery of a crashed message is the fault's witness: recorded even for a consumer without a recorder.
    recordArrival(
      options.recorder ?? (open ? transportFaultBoard().witness : undefined),
      'queue',
      url,
      d.event,
      consumer,
      started,
    );
    await options.broker.ack(name, d);
  };

  const loop = (async () => {
    while (!stop.signal.aborted) {
      if (crashed) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(done, restartMs);
          function done() {
            clearTimeout(t);
            stop.signal.removeEventListener('abort', done);
            resolve();
          }
          stop.signal.addEventListener('abort', done);
        });
        crashed = false;
        continue;
      }
      try {
        const batch = await options.broker.receive(name, {
          consumer,
          max: concurrency,
          visibilityMs,
          maxDeliveries,
          waitMs: Math.min(1000, visibilityMs),
          signal: stop.signal,
        });
        if (stop.signal.aborted) break;
        await Promise.all(batch.map(handle));
      } catch (error) {
        if (stop.signal.aborted) break;
        options.onError?.(error);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  })();

  return {
    consumer,
    async close() {
      stop.abort();
      await loop;
    },
  };
}
