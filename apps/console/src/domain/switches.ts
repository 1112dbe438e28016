import type { Hop } from './hops.ts';

export type ReceiverMode = 'none' | 'down' | 'slow' | 'failing' | 'drop' | 'gone';

/** A switch a person flipped in the console, and when; `until` once it was flipped back. */
export interface Switch {
  id: string;
  service: string;
  /** `transport`: a process-wide fault set in every app and the console (service `topic broker` / `queue consumers`). */
  kind: 'receiver' | 'sender' | 'transport';
  /** Receiver: the fault mode; sender: `paused`; transport: `broker-down` or `consumer-crash`. */
  mode: string;
  detail?: string;
  at: number;
  until?: number;
  /** Sender switches: the sender's figures when paused and when resumed (e.g. messages waiting). */
  statsAtStart?: Record<string, number>;
  statsAtEnd?: Record<string, number>;
}

export const RECEIVER_LABELS: Record<ReceiverMode, string> = {
  none: 'working',
  down: 'down (connections closed)',
  slow: 'slow',
  failing: 'failing (5xx)',
  drop: 'dropping connections mid-response',
  gone: 'gone (410)',
};

/** Messages a receiver switch acts on: webhooks, and e-mail for the mailbox (its receiver is SMTP). */
const MESSAGE_KINDS = new Set(['webhook', 'email', 'queue', 'topic']);

/** How a switch is named in the console: the mailbox's receiver `down` is "SMTP down". */
export function switchLabel(sw: Pick<Switch, 'service' | 'kind' | 'mode' | 'detail'>): string {
  if (sw.kind === 'sender') return `sender ${sw.detail ?? ''} paused`;
  if (sw.kind === 'transport')
    return sw.mode === 'broker-down'
      ? 'down (every topic: publish fails; the outboxes retry)'
      : `crash before ack (the next ${sw.detail === '1' || !sw.detail ? 'consumer' : `${sw.detail} consumers`} to take a message)`;
  if (sw.service === 'mailbox' && sw.mode === 'down') return 'SMTP down (421 to every connection)';
  return `receiver ${RECEIVER_LABELS[sw.mode as ReceiverMode] ?? sw.mode}${sw.detail ? ` ${sw.detail}` : ''}`;
}

/** What happened to one message that met the fault: attempts refused, and whether and when it arrived. */
export interface MessageFate {
  key: string;
  eventType?: string;
  failedAttempts: number;
  retries: number;
  deliveredAfterMs: number | null;
  gaveUp: boolean;
}

const seconds = (ms: number) => (ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`);

/** The deliveries to the switched service that met the fault, message by message. */
export function fatesOf(sw: Switch, hops: Hop[], now: number): MessageFate[] {
  const brokerDown = sw.kind === 'transport' && sw.mode === 'broker-down';
  if (sw.kind !== 'receiver' && !brokerDown) return [];
  const end = sw.until ?? now;
  // Broker down: the senders' attempts to any topic: target (the engine's record of each publish).
  const toIt = brokerDown
    ? hops.filter((h) => h.kind === 'topic' && h.outcome !== undefined)
    : hops.filter((h) => MESSAGE_KINDS.has(h.kind) && h.to === sw.service);
  const hit = toIt.filter((h) => h.start >= sw.at && h.start <= end && (h.fault || h.failed));
  const keys = [...new Set(hit.map((h) => h.eventId ?? h.id))];
  return keys.map((key) => {
    const mine = toIt.filter((h) => (h.eventId ?? h.id) === key);
    const first = Math.min(...mine.map((h) => h.start));
    const delivered = mine.find((h) => !h.failed && h.start > sw.at && !h.fault);
    return {
      key,
      eventType: mine[0]?.eventType,
      failedAttempts: mine.filter((h) => h.failed || h.fault === 'drop').length,
      retries: mine.filter((h) => (h.attempt ?? 1) > 1).length,
      deliveredAfterMs: delivered ? delivered.end - first : null,
      gaveUp: mine.some((h) => h.outcome === 'dead'),
    };
  });
}

/** One line on what a switch did, from the exchanges it shaped: "2 deliveries, 3 retries, all delivered after 6.2 s". */
export function effectOf(sw: Switch, hops: Hop[], now: number): string {
  if (sw.kind === 'sender') {
    const waiting = sw.statsAtEnd?.pending;
    if (sw.until === undefined)
      return `paused: nothing leaves its outbox${sw.statsAtStart?.pending !== undefined ? ` (${sw.statsAtStart.pending} waiting when paused)` : ''}`;
    const sent = hops.filter(
      (h) =>
        MESSAGE_KINDS.has(h.kind) &&
        h.from === sw.service &&
        h.start >= sw.until! &&
        h.start <= sw.until! + 60_000,
    ).length;
    return `resumed after ${seconds(sw.until - sw.at)}${waiting !== undefined ? `: ${waiting} message(s) were waiting` : ''}; ${sent} delivery attempt(s) since`;
  }
  if (sw.kind === 'transport' && sw.mode === 'consumer-crash') return crashEffectOf(sw, hops, now);
  if (sw.mode === 'none') return '';
  if (sw.mode === 'slow') {
    const slowed = hops.filter(
      (h) =>
        MESSAGE_KINDS.has(h.kind) && h.to === sw.service && h.start >= sw.at && h.start <= (sw.until ?? now),
    );
    return `${slowed.length} deliveries slowed${slowed.length ? `, the slowest took ${seconds(Math.max(...slowed.map((h) => h.durationMs)))}` : ''}`;
  }
  const fates = fatesOf(sw, hops, now);
  if (fates.length === 0)
    return sw.kind === 'transport' ? 'no topic: publish has met it yet' : 'no delivery has met it yet';
  const retries = fates.reduce((n, f) => n + f.retries, 0);
  const delivered = fates.filter((f) => f.deliveredAfterMs !== null);
  const lost = fates.filter((f) => f.gaveUp && f.deliveredAfterMs === null).length;
  const parts = [`${fates.length} message(s) refused`, `${retries} retr${retries === 1 ? 'y' : 'ies'}`];
  if (delivered.length === fates.length)
    parts.push(
      `${fates.length === 1 ? 'delivered' : 'all delivered'} after ${seconds(Math.max(...delivered.map((f) => f.deliveredAfterMs!)))}`,
    );
  else if (delivered.length)
    parts.push(`${delivered.length} delivered, ${fates.length - delivered.length} still waiting`);
  else parts.push('none delivered yet');
  if (lost) parts.push(`${lost} given up by the sender`);
  return parts.join(', ');
}

const INJECTED_CRASH = /crashed before its ack \(injected fault\)/;
const ceIdOf = (h: Hop) => h.received?.requestHeaders['ce-id'] ?? h.sent?.requestHeaders['ce-id'];
/** The consumer a queue arrival was recorded for (the console records it, so the hop's `to` is the console). */
const consumerOf = (h: Hop) => h.received?.to ?? h.to;

/**
 * "Consumer crashes before ack": each crash the consumers recorded (in the message's trace) and whether the
 * message came back and was handled: "warehouse-a crashed holding pick_list.created (no ack); redelivered to
 * warehouse-b 5.2 s later, handled once".
 */
function crashEffectOf(sw: Switch, hops: Hop[], now: number): string {
  const end = sw.until ?? now;
  const queueHops = hops.filter((h) => h.kind === 'queue' && ceIdOf(h));
  const crashes = queueHops.filter(
    (h) => h.start >= sw.at && h.start <= end && h.error !== undefined && INJECTED_CRASH.test(h.error),
  );
  if (crashes.length === 0)
    return sw.until === undefined
      ? 'armed: the next consumer to take a queue message dies holding it'
      : 'no consumer took a message while it was armed';
  return crashes
    .map((crash) => {
      const id = ceIdOf(crash)!;
      const handled = queueHops.filter((h) => ceIdOf(h) === id && !h.failed && h.start > crash.start);
      const what = `${consumerOf(crash)} crashed holding ${crash.eventType ?? crash.received?.requestHeaders['ce-type'] ?? 'a message'} (no ack)`;
      if (handled.length === 0) return `${what}; waiting for the visibility timeout to redeliver it`;
      const first = handled[0]!;
      return `${what}; redelivered to ${consumerOf(first)} ${seconds(first.end - crash.start)} later, handled ${handled.length === 1 ? 'once' : `${handled.length} times`}`;
    })
    .join('; ');
}
