// Process-wide transport faults a person switches on from the console (through the kit's control API):
// "topic broker down" and "queue consumer crashes before ack". The board lives on a global symbol, not in
// this module: the kit (@hooklab/service, control.ts) writes it without depending on this package, and
// the console (whose scenarios run the consumers) reaches it through the kit. Same key, same shape there.
import type { ArrivalRecorder } from './record.ts';

/** A consumer that took a message and died without acking it (injected), and who handled it after. */
export interface ConsumerCrash {
  at: number;
  queue: string;
  consumer: string;
  eventId: string;
  eventType: string;
  traceparent?: string;
  /** Set when a consumer (in this process) has handled the message since. */
  redelivered?: { at: number; consumer: string; deliveries: number };
}

export interface TransportFaultState {
  /** While true no topic broker is hosted or reached from this process: every publish is a failed attempt. */
  brokerDown: boolean;
  brokerDownSince: number | null;
  /** Topic publishes refused since the broker went down. */
  refusedPublishes: number;
  /** How many more consumers in this process crash on the next message they take. */
  consumerCrashes: number;
  /** The crashes so far (newest last, at most 50). */
  crashes: ConsumerCrash[];
}

/** May return a promise: settled once the change has taken effect (e.g. the broker hosted again). */
export type TransportFaultListener = (
  state: TransportFaultState,
  previous: TransportFaultState,
) => void | Promise<void>;

export interface TransportFaultBoard {
  readonly version: 1;
  state: TransportFaultState;
  listeners: Set<TransportFaultListener>;
  /** Where fault witnesses (a crash, its redelivery) are recorded when the consumer has no recorder. */
  witness?: ArrivalRecorder;
}

const KEY = Symbol.for('hooklab.transport-faults');
export const INJECTED_BROKER_DOWN = 'topic broker down (injected fault)';

/** This process's board (made on first use, by whichever side comes first). */
export function transportFaultBoard(): TransportFaultBoard {
  const g = globalThis as { [KEY]?: TransportFaultBoard };
  g[KEY] ??= {
    version: 1,
    state: {
      brokerDown: false,
      brokerDownSince: null,
      refusedPublishes: 0,
      consumerCrashes: 0,
      crashes: [],
    },
    listeners: new Set(),
  };
  return g[KEY];
}

export const transportFault = (): Readonly<TransportFaultState> => transportFaultBoard().state;

/**
 * Switches faults in this process; listeners (the embedded broker's host) act on the change. Resolves once
 * they have (after "back up": the broker hosted again and this process's subscribers back).
 */
export async function setTransportFault(patch: {
  brokerDown?: boolean;
  consumerCrashes?: number;
}): Promise<void> {
  const board = transportFaultBoard();
  const previous = board.state;
  const next = { ...previous };
  if (patch.brokerDown !== undefined && patch.brokerDown !== previous.brokerDown) {
    next.brokerDown = patch.brokerDown;
    next.brokerDownSince = patch.brokerDown ? Date.now() : null;
    if (patch.brokerDown) next.refusedPublishes = 0;
  }
  if (patch.consumerCrashes !== undefined) next.consumerCrashes = Math.max(0, patch.consumerCrashes);
  board.state = next;
  await Promise.all([...board.listeners].map((listener) => listener(next, previous)));
}

/** Called whenever the faults change; returns an unsubscribe function. */
export function onTransportFault(listener: TransportFaultListener): () => void {
  const board = transportFaultBoard();
  board.listeners.add(listener);
  return () => void board.listeners.delete(listener);
}

/** Counts a refused publish and returns the error it fails with. */
export function refusePublish(): string {
  transportFaultBoard().state.refusedPublishes++;
  return INJECTED_BROKER_DOWN;
}

/** Takes one pending crash, if any: the caller (a consumer) must then die holding its message. */
export function takeConsumerCrash(): boolean {
  const state = transportFaultBoard().state;
  if (state.consumerCrashes <= 0) return false;
  state.consumerCrashes--;
  return true;
}

export function noteCrash(crash: ConsumerCrash): void {
  const crashes = transportFaultBoard().state.crashes;
  crashes.push(crash);
  if (crashes.length > 50) crashes.splice(0, crashes.length - 50);
}

/** The crash this message met, if it met one and nobody has handled it since. */
export function openCrashOf(eventId: string): ConsumerCrash | undefined {
  return transportFaultBoard().state.crashes.find((c) => c.eventId === eventId && !c.redelivered);
}
