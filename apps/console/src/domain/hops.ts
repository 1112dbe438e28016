// Exchanges → hops. Each app records what it sent and what it received, so one request across the
// network is usually recorded twice: by its sender ("out") and by its receiver ("in"). A hop is that
// request once, with both views joined. Runs in the server (exports) and in the browser (the diagram).
import type { Exchange, ExchangeNotes } from '@hooklab/service';

/** An exchange as the console holds it: what an app recorded, plus which app recorded it. */
export type RecordedExchange = Exchange & ExchangeNotes & { service: string };

export interface Hop {
  /** The receiver's exchange id when there is one, else the sender's. */
  id: string;
  traceId?: string;
  from: string;
  to: string;
  /** `api`, `webhook`, or another transport the recorder named (`handshake`). */
  kind: string;
  method: string;
  url: string;
  /** What the sender got back; the receiver's status when only the receiver recorded it. */
  status: number | null;
  start: number;
  end: number;
  durationMs: number;
  attempt?: number;
  eventId?: string;
  eventType?: string;
  failed: boolean;
  fault?: string;
  outcome?: string;
  nextAttemptAt?: number | null;
  signature?: { verified: boolean; scheme?: string; reason?: string };
  /** The receiver answered that it had handled this message already. */
  duplicate: boolean;
  /** Workshop: the number of the exercise whose attendee code handled this hop (`x-hooklab-exercise`). */
  exercise?: string;
  /** A GET that got exactly the answer the previous identical GET got: a poll that told nothing new. */
  nothingNew: boolean;
  /** A GET repeating an earlier identical GET (the second and later of a series). */
  repeat: boolean;
  sent?: RecordedExchange;
  received?: RecordedExchange;
  error?: string;
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;

/** A key for an origin in which localhost, 127.0.0.1 and [::1] on the same port are the same place. */
export function originKey(url: string | URL): string {
  try {
    const u = typeof url === 'string' ? new URL(url) : url;
    const port = u.port || (u.protocol === 'https:' ? '443' : '80');
    return LOOPBACK.test(u.hostname) ? `loopback:${port}` : `${u.hostname.toLowerCase()}:${port}`;
  } catch {
    return String(url);
  }
}

/** Names a URL's service from the service map; anything else by its host. */
export function createNamer(urls: Record<string, string>): (url: string) => string | undefined {
  const byOrigin = new Map(Object.entries(urls).map(([name, u]) => [originKey(u), name]));
  return (url) => byOrigin.get(originKey(url));
}

const startOf = (e: Exchange) => e.at - e.durationMs;
const EXERCISE = /^\d{2}$/;
/** The exercise mark a receiver (or an engine's attempt) put on its answer, as either side recorded it. */
const exerciseOf = (...es: (Exchange | undefined)[]) =>
  es
    .flatMap((e) => [e?.responseHeaders['x-hooklab-exercise'], e?.requestHeaders['x-hooklab-exercise']])
    .find((v): v is string => typeof v === 'string' && EXERCISE.test(v));
const header = (e: Exchange | undefined, name: string) => e?.requestHeaders[name];
/** Method and URL with localhost, 127.0.0.1 and [::1] folded together: where a request went. */
const placeKey = (method: string, url: string) => {
  try {
    const u = new URL(url);
    return `${method} ${originKey(u)}${u.pathname}${u.search}`;
  } catch {
    return `${method} ${url}`;
  }
};
const samePlace = (a: string, b: string) => {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return originKey(x) === originKey(y) && x.pathname === y.pathname && x.search === y.search;
  } catch {
    return a === b;
  }
};

function attemptOf(e: RecordedExchange | undefined): number | undefined {
  if (!e) return undefined;
  if (e.attempt) return e.attempt;
  const n = Number(header(e, 'x-hooklab-attempt'));
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function eventTypeOf(e: RecordedExchange | undefined): string | undefined {
  if (!e) return undefined;
  const h = header(e, 'x-hooklab-event-type');
  if (h) return h;
  if (e.kind !== 'webhook' || !e.requestBody) return undefined;
  const m = /^\s*\{[^{]*?"type"\s*:\s*"([\w.:-]{1,80})"/.exec(e.requestBody);
  return m?.[1];
}

/** The address of a `mailto:` URL, lower-cased; undefined for any other URL. */
function mailRecipient(url: string): string | undefined {
  const m = /^mailto:([^?]+)/i.exec(url);
  return m ? safeDecode(m[1]!).toLowerCase() : undefined;
}

/** The recipients the mailbox records in its `smtp://host/a%40x,b%40y` URL. */
function smtpRecipients(url: string): string[] {
  const path = /^smtp:\/\/[^/]*\/(.*)$/i.exec(url)?.[1] ?? '';
  return path.split(',').map((a) => safeDecode(a).toLowerCase());
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Finds, for each sender's record, the receiver's record of the same request. */
function pair(outs: RecordedExchange[], ins: RecordedExchange[]): Map<RecordedExchange, RecordedExchange> {
  const matched = new Map<RecordedExchange, RecordedExchange>();
  const taken = new Set<RecordedExchange>();
  const byParent = new Map<string, RecordedExchange[]>();
  const byEvent = new Map<string, RecordedExchange[]>();
  const byPlace = new Map<string, RecordedExchange[]>();
  const push = (m: Map<string, RecordedExchange[]>, k: string, e: RecordedExchange) => {
    const list = m.get(k);
    if (list) list.push(e);
    else m.set(k, [e]);
  };
  for (const i of ins) {
    if (i.parentSpanId) push(byParent, i.parentSpanId, i);
    const ev = header(i, 'x-hooklab-event-id');
    if (ev) push(byEvent, ev, i);
    push(byPlace, placeKey(i.method, i.url), i);
  }
  const pick = (o: RecordedExchange, candidates: RecordedExchange[] | undefined) => {
    const attempt = attemptOf(o);
    const mail = mailRecipient(o.url);
    return candidates?.find((i) => {
      if (taken.has(i)) return false;
      // An e-mail: the sender records mailto:ADDRESS, the mailbox smtp://HOST/ADDRESS, with no attempt header.
      if (mail !== undefined) return i.kind === 'email' && smtpRecipients(i.url).includes(mail);
      return samePlace(i.url, o.url) && (attempt === undefined || attemptOf(i) === attempt);
    });
  };
  for (const o of outs) {
    let hit = o.spanId ? pick(o, byParent.get(o.spanId)) : undefined;
    const ev = header(o, 'x-hooklab-event-id');
    if (!hit && ev) hit = pick(o, byEvent.get(ev));
    if (!hit) {
      // Senders that record no ids: the same request to the same place, begun within a second.
      let best: RecordedExchange | undefined;
      let bestGap = 1000;
      for (const i of byPlace.get(placeKey(o.method, o.url)) ?? []) {
        if (taken.has(i)) continue;
        if (o.requestBody !== undefined && i.requestBody !== undefined && o.requestBody !== i.requestBody)
          continue;
        const gap = Math.abs(startOf(i) - startOf(o));
        if (gap < bestGap) {
          best = i;
          bestGap = gap;
        }
      }
      hit = best;
    }
    if (hit) {
      matched.set(o, hit);
      taken.add(hit);
    }
  }
  return matched;
}

const DUPLICATE = /"duplicate"\s*:\s*true/;
const TRANSPORT_KIND: Record<string, 'email' | 'queue' | 'topic' | undefined> = {
  mailto: 'email',
  queue: 'queue',
  topic: 'topic',
};

function hopOf(
  sent: RecordedExchange | undefined,
  received: RecordedExchange | undefined,
  nameOf: (url: string) => string | undefined,
): Hop {
  const e = (received ?? sent)!;
  const start = Math.min(...[sent, received].flatMap((x) => (x ? [startOf(x)] : [])));
  const end = Math.max(...[sent, received].flatMap((x) => (x ? [x.at] : [])));
  const status = sent ? sent.status : e.status;
  const from = sent?.from ?? (received && received.from !== 'client' ? received.from : undefined) ?? 'client';
  const target =
    TRANSPORT_KIND[/^(mailto|queue|topic):/i.exec(sent?.url ?? e.url)?.[1]?.toLowerCase() ?? ''] ??
    (received?.kind === 'email' ? 'email' : undefined);
  // The engine records a mailto:/queue:/topic: attempt as a webhook to no host: name its kind and target.
  const to =
    received?.service ??
    nameOf(e.url) ??
    (sent?.to || (target === 'email' ? 'mailbox' : target ? e.url.split(/[?#]/)[0]! : 'unknown'));
  const eventId = header(sent, 'x-hooklab-event-id') ?? header(received, 'x-hooklab-event-id');
  const kind =
    target ?? (received?.kind === 'webhook' || sent?.kind === 'webhook' || eventId ? 'webhook' : e.kind);
  const fault = received?.fault ?? sent?.fault;
  const exercise = exerciseOf(received, sent) ?? sent?.exercise ?? received?.exercise;
  return {
    id: e.id,
    traceId: received?.traceId ?? sent?.traceId,
    from: sent?.service === 'console' ? 'console' : from,
    to,
    kind,
    method: e.method,
    url: e.url,
    status,
    start,
    end,
    durationMs: sent ? sent.durationMs : e.durationMs,
    attempt: attemptOf(sent) ?? attemptOf(received),
    eventId,
    eventType: eventTypeOf(sent) ?? eventTypeOf(received),
    // A queue or topic send has no status code: the engine's outcome says whether the broker took it.
    failed: status === null ? !(target && sent?.outcome === 'delivered') : status >= 400,
    ...(fault ? { fault } : {}),
    ...(sent?.outcome ? { outcome: sent.outcome, nextAttemptAt: sent.nextAttemptAt } : {}),
    ...(received?.signature ? { signature: received.signature } : {}),
    duplicate: Boolean(received?.responseBody && DUPLICATE.test(received.responseBody)),
    ...(exercise ? { exercise } : {}),
    nothingNew: false,
    repeat: false,
    sent,
    received,
    error: sent?.error ?? received?.error,
  };
}

/** Joins exchanges into hops, oldest first, and marks GETs that repeated one another. */
export function buildHops(
  exchanges: Iterable<RecordedExchange>,
  nameOf: (url: string) => string | undefined,
): Hop[] {
  const outs: RecordedExchange[] = [];
  const ins: RecordedExchange[] = [];
  for (const e of exchanges) (e.direction === 'out' ? outs : ins).push(e);
  const matched = pair(outs, ins);
  const used = new Set(matched.values());
  const hops = [
    ...outs.map((o) => hopOf(o, matched.get(o), nameOf)),
    ...ins.filter((i) => !used.has(i)).map((i) => hopOf(undefined, i, nameOf)),
  ].sort((a, b) => a.start - b.start || a.end - b.end);
  markRepeats(hops);
  return hops;
}

/** A GET is a repeat when the same caller asked the same URL before; nothing new when the answer was the same. */
function markRepeats(hops: Hop[]): void {
  const last = new Map<string, Hop>();
  for (const h of hops) {
    if (h.method !== 'GET') continue;
    const key = `${h.from}→${h.to} ${h.url}`;
    const prev = last.get(key);
    if (prev) {
      h.repeat = true;
      const body = (x: Hop) => (x.received ?? x.sent)?.responseBody;
      h.nothingNew = prev.status === h.status && body(prev) === body(h);
    }
    last.set(key, h);
  }
}

/** The hops of one trace. */
export function hopsOfTrace(hops: Hop[], traceId: string): Hop[] {
  return hops.filter((h) => h.traceId === traceId);
}

/** The lifelines of a set of hops: the usual cast first, in the order of the story, then the rest. */
export function lifelinesOf(hops: Hop[]): string[] {
  const ORDER = [
    'console',
    'client',
    'shop',
    'payments',
    'logistics',
    'slack',
    'notifier',
    'social',
    'hub',
    'ticker',
    'mailbox',
  ];
  const seen = new Set<string>();
  for (const h of hops) {
    seen.add(h.from);
    seen.add(h.to);
  }
  return [...ORDER.filter((n) => seen.has(n)), ...[...seen].filter((n) => !ORDER.includes(n)).sort()];
}

/** Short text for an arrow: `POST /api/orders`, or the event type of a delivery. */
export function labelOf(h: Hop): string {
  let path = h.url;
  try {
    const u = new URL(h.url);
    path = u.pathname + (u.search.length > 40 ? `${u.search.slice(0, 40)}…` : u.search);
  } catch {}
  if (h.kind === 'webhook') return `${h.eventType ?? 'webhook'} → ${path}`;
  return `${h.method} ${path}`;
}

/** Short text for an arrow's outcome: `201 · 12 ms`, `✕ connection closed`. */
export function outcomeOf(h: Hop): string {
  const ms = `${h.durationMs < 10 ? h.durationMs.toFixed(1) : Math.round(h.durationMs)} ms`;
  if (h.status === null) return `✕ ${h.fault ? `${h.fault} (fault)` : (h.error ?? 'no answer')} · ${ms}`;
  return `${h.status}${h.fault ? ` (${h.fault} fault)` : ''} · ${ms}`;
}

/** A row of the diagram: one hop, or a series of polls folded into the row of their latest. */
export interface Row {
  /** The latest hop of the row (its answer is the one shown). */
  hop: Hop;
  /** The first hop of the row (its time places the row). */
  first: Hop;
  /** Hops in the row (1, or the polls folded into it). */
  count: number;
  nothingNew: number;
}

/**
 * Folds repeated GETs into one row per series ("GET /api/orders/x ×12, 11 told nothing new"), as long as
 * nothing but polling happened in between: any other hop starts fresh rows, so the story stays in order.
 */
export function foldPolls(hops: Hop[]): Row[] {
  const rows: Row[] = [];
  let open = new Map<string, Row>();
  for (const h of hops) {
    const key = `${h.from}→${h.to} ${h.method} ${h.url}`;
    const row = h.repeat ? open.get(key) : undefined;
    if (row) {
      row.hop = h;
      row.count++;
      if (h.nothingNew) row.nothingNew++;
      continue;
    }
    if (h.method !== 'GET') open = new Map();
    const fresh = { hop: h, first: h, count: 1, nothingNew: h.nothingNew ? 1 : 0 };
    rows.push(fresh);
    if (h.method === 'GET') open.set(key, fresh);
  }
  return rows;
}
