// Messages this worker has claimed but not started (FIFO), and per endpoint how many it holds in all.
import type { OutboxMessage } from './types.ts';

export class ClaimQueue {
  private items: (OutboxMessage | undefined)[] = [];
  // Index of the first unstarted claim: avoids O(n) shifts.
  private head = 0;
  // Per endpoint: messages held, queued or in flight. Claims never exceed `perEndpointConcurrency` per
  // endpoint, so a queued message may start whenever a total slot frees.
  private readonly load = new Map<string, number>();

  get size(): number {
    return this.items.length - this.head;
  }

  /** A claimed message joins the queue and counts against its endpoint. */
  hold(message: OutboxMessage): void {
    this.load.set(message.endpointId, (this.load.get(message.endpointId) ?? 0) + 1);
    this.items.push(message);
  }

  /** The next unstarted claim (it still counts against its endpoint until `release`). */
  next(): OutboxMessage | undefined {
    if (this.head >= this.items.length) return undefined;
    const message = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return message;
  }

  /** A held message finished (or went back): its endpoint has one more free slot. */
  release(endpointId: string): void {
    const load = (this.load.get(endpointId) ?? 1) - 1;
    if (load <= 0) this.load.delete(endpointId);
    else this.load.set(endpointId, load);
  }

  /** Free slots of the endpoints this worker holds messages for. */
  endpointSlots(perEndpoint: number): Map<string, number> {
    const slots = new Map<string, number>();
    for (const [endpointId, load] of this.load) slots.set(endpointId, perEndpoint - load);
    return slots;
  }

  /** Empties the queue (stop): the unstarted claims, each released from its endpoint. */
  drain(): OutboxMessage[] {
    const unstarted = this.items.slice(this.head) as OutboxMessage[];
    this.items = [];
    this.head = 0;
    for (const message of unstarted) this.release(message.endpointId);
    return unstarted;
  }
}
