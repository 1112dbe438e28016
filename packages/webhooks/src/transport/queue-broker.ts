// What a queue engine must do for `queue:NAME` targets: publish, hand each message to one consumer,
// take acks, redeliver what was not acked in time, dead-letter after `maxDeliveries`.
import type { CloudEvent } from './cloud-event.ts';

export interface QueueDelivery {
  /** The engine's id of this entry (SQLite row, Redis stream id): what `ack` takes. */
  entryId: string;
  event: CloudEvent;
  /** 1 on the first delivery, then one more per redelivery. */
  deliveries: number;
  /** Which consumer holds it now; an ack from another consumer (a late one) is refused. */
  consumer: string;
}

export interface ReceiveOptions {
  consumer: string;
  max: number;
  /** Not acked within this → handed to a consumer again. */
  visibilityMs: number;
  /** A message that has been delivered this many times without an ack goes to the dead letters. */
  maxDeliveries: number;
  /** Wait up to this long for a message when none is ready. */
  waitMs: number;
  signal?: AbortSignal;
}

export interface QueueDepth {
  /** Waiting for a consumer (including ones due for redelivery). */
  ready: number;
  /** Handed out, not acked yet, not due again yet. */
  inFlight: number;
  dead: number;
}

export interface QueueBroker {
  readonly kind: 'sqlite' | 'redis';
  publish(queue: string, event: CloudEvent): Promise<void>;
  receive(queue: string, options: ReceiveOptions): Promise<QueueDelivery[]>;
  /** True when the ack counted (the consumer still held the message). */
  ack(queue: string, delivery: QueueDelivery): Promise<boolean>;
  deadLetters(queue: string, limit?: number): Promise<CloudEvent[]>;
  depth(queue: string): Promise<QueueDepth>;
  close(): Promise<void>;
}
