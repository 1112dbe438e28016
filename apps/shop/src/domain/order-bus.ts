import { EventEmitter } from 'node:events';
import type { OrderView } from './orders.ts';

/** One change of one order, published after its transaction commits. */
export interface OrderChange {
  orderId: string;
  eventId: number;
  type: string;
  order: OrderView;
}

/** In-process fan-out of committed order changes to SSE streams. */
export class OrderBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(change: OrderChange): void {
    this.emitter.emit(change.orderId, change);
    this.emitter.emit('*', change);
  }

  /** Listens to one order's changes (or '*' for all); returns the unsubscribe function. */
  subscribe(orderId: string, listener: (change: OrderChange) => void): () => void {
    this.emitter.on(orderId, listener);
    return () => this.emitter.off(orderId, listener);
  }

  listenerCount(orderId: string): number {
    return this.emitter.listenerCount(orderId);
  }
}
