/** What the inbox page's live stream hears: a message arrived, one was deleted, or all were. */
export type InboxEvent =
  | { type: 'created'; id: string }
  | { type: 'deleted'; id: string }
  | { type: 'cleared' };

export type InboxListener = (e: InboxEvent) => void;

/** An in-process fan-out of inbox changes to open streams; a failing listener never stops the others. */
export class InboxEvents {
  private readonly listeners = new Set<InboxListener>();

  subscribe(listener: InboxListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(e: InboxEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A closed stream is the stream's problem, not the sender's.
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
