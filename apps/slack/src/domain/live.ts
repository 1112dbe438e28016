// The in-process feed the web UI listens to (SSE): every change to a channel, as it is committed.
export type LiveEvent =
  | { type: 'message'; channel: string; message: Record<string, unknown> }
  | { type: 'message_changed'; channel: string; message: Record<string, unknown> }
  | { type: 'message_deleted'; channel: string; ts: string }
  | { type: 'ephemeral'; channel: string; user: string; message: Record<string, unknown> }
  | { type: 'channel_created'; channel: Record<string, unknown> }
  | { type: 'notice'; channel: string; user: string; text: string };

export interface LiveFeed {
  publish(event: LiveEvent): void;
  subscribe(listener: (event: LiveEvent) => void): () => void;
}

export function createLiveFeed(): LiveFeed {
  const listeners = new Set<(event: LiveEvent) => void>();
  return {
    publish(event) {
      for (const l of listeners) l(event);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
