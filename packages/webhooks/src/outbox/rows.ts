// Row ⇄ object mapping shared by the SQLite and PostgreSQL stores (same column names in both).
import { newMessageId } from './ids.ts';
import type { SigningScheme } from './signing.ts';
import type {
  AttemptRecord,
  EndpointHealthRow,
  FailureKind,
  MessageStatus,
  NewMessage,
  OutboxMessage,
  RetryProfile,
} from './types.ts';

export interface MessageRow {
  id: string;
  endpoint_id: string;
  url: string;
  event_type: string;
  event_id: string;
  body: string;
  headers: string;
  signing_scheme: string;
  signing_secrets: string;
  profile: string;
  traceparent: string | null;
  status: string;
  attempts: number | string;
  cycle_start: number | string;
  created_at: number | string;
  next_attempt_at: number | string;
  locked_until: number | string | null;
  lock_owner: string | null;
  last_attempt_at: number | string | null;
  last_status_code: number | null;
  last_failure_kind: string | null;
  delivered_at: number | string | null;
}

export interface AttemptRow {
  message_id: string;
  attempt_no: number;
  started_at: number | string;
  duration_ms: number;
  status_code: number | null;
  ok: number | boolean;
  failure_kind: string | null;
  response_excerpt: string;
  response_headers: string;
}

const num = (v: number | string): number => (typeof v === 'number' ? v : Number(v));
const numOrNull = (v: number | string | null): number | null => (v === null ? null : num(v));

/** The columns a claim reads back: status, lease and due time are known from the claim itself. */
export type ClaimedRow = Omit<MessageRow, 'status' | 'lock_owner' | 'locked_until' | 'next_attempt_at'>;

const CLAIMED = [
  'id',
  'endpoint_id',
  'url',
  'event_type',
  'event_id',
  'body',
  'headers',
  'signing_scheme',
  'signing_secrets',
  'profile',
  'traceparent',
  'attempts',
  'cycle_start',
  'created_at',
  'last_attempt_at',
  'last_status_code',
  'last_failure_kind',
  'delivered_at',
] as const satisfies readonly (keyof ClaimedRow)[];

export const CLAIMED_COLUMNS = CLAIMED.join(', ');

/** Position of each claimed column in a row read as an array (`CLAIMED_COLUMNS` order). */
const AT = Object.fromEntries(CLAIMED.map((name, i) => [name, i])) as Record<
  (typeof CLAIMED)[number],
  number
>;

// Most messages of an endpoint carry the same secrets JSON: parse each text once (bounded), hand every
// message its own copy.
const PARSED_MAX = 256;
const parsedSecrets = new Map<string, readonly string[]>();
function secretsOf(json: string): string[] {
  let list = parsedSecrets.get(json);
  if (list === undefined) {
    list = JSON.parse(json) as string[];
    if (parsedSecrets.size >= PARSED_MAX) parsedSecrets.delete(parsedSecrets.keys().next().value as string);
    parsedSecrets.set(json, list);
  }
  return list.slice();
}

/**
 * The one row → message mapping of both stores. With `claim`, the row was just claimed by `claim.owner`
 * until `claim.lease` (status, lease and due time are not read back).
 */
export function rowToMessage(row: MessageRow): OutboxMessage;
export function rowToMessage(row: ClaimedRow, claim: { owner: string; lease: number }): OutboxMessage;
export function rowToMessage(
  row: ClaimedRow & Partial<MessageRow>,
  claim?: { owner: string; lease: number },
): OutboxMessage {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    url: row.url,
    eventType: row.event_type,
    eventId: row.event_id,
    body: row.body,
    headers: row.headers === '{}' ? {} : (JSON.parse(row.headers) as Record<string, string>),
    signing: { scheme: row.signing_scheme as SigningScheme, secrets: secretsOf(row.signing_secrets) },
    profile: row.profile as RetryProfile,
    traceparent: row.traceparent,
    status: claim ? 'in_flight' : (row.status as MessageStatus),
    attempts: num(row.attempts),
    cycleStart: num(row.cycle_start),
    createdAt: num(row.created_at),
    nextAttemptAt: claim ? claim.lease : num(row.next_attempt_at!),
    lockedUntil: claim ? claim.lease : numOrNull(row.locked_until ?? null),
    lockOwner: claim ? claim.owner : (row.lock_owner ?? null),
    lastAttemptAt: numOrNull(row.last_attempt_at),
    lastStatusCode: row.last_status_code,
    lastFailureKind: row.last_failure_kind as FailureKind | null,
    deliveredAt: numOrNull(row.delivered_at),
  };
}

/**
 * `rowToMessage` for a just-claimed row read as an array of `CLAIMED_COLUMNS` (SQLite's raw mode: a claim
 * of many rows builds no object per row, which costs about a third of the claim).
 */
export function claimedValuesToMessage(
  v: readonly unknown[],
  claim: { owner: string; lease: number },
): OutboxMessage {
  const headers = v[AT.headers] as string;
  return {
    id: v[AT.id] as string,
    endpointId: v[AT.endpoint_id] as string,
    url: v[AT.url] as string,
    eventType: v[AT.event_type] as string,
    eventId: v[AT.event_id] as string,
    body: v[AT.body] as string,
    headers: headers === '{}' ? {} : (JSON.parse(headers) as Record<string, string>),
    signing: {
      scheme: v[AT.signing_scheme] as SigningScheme,
      secrets: secretsOf(v[AT.signing_secrets] as string),
    },
    profile: v[AT.profile] as RetryProfile,
    traceparent: v[AT.traceparent] as string | null,
    status: 'in_flight',
    attempts: num(v[AT.attempts] as number),
    cycleStart: num(v[AT.cycle_start] as number),
    createdAt: num(v[AT.created_at] as number),
    nextAttemptAt: claim.lease,
    lockedUntil: claim.lease,
    lockOwner: claim.owner,
    lastAttemptAt: numOrNull(v[AT.last_attempt_at] as number | null),
    lastStatusCode: v[AT.last_status_code] as number | null,
    lastFailureKind: v[AT.last_failure_kind] as FailureKind | null,
    deliveredAt: numOrNull(v[AT.delivered_at] as number | null),
  };
}

/** The columns that change after insert, as a claim reads them back when it knows the rest. */
export const CLAIMED_STATE_COLUMNS =
  'id, attempts, cycle_start, last_attempt_at, last_status_code, last_failure_kind, delivered_at';

/**
 * A just-claimed message from the `insertValues` of its enqueue (the columns that never change after
 * insert) and its state read back as an array of `CLAIMED_STATE_COLUMNS`.
 */
export function insertedToMessage(
  inserted: readonly (string | number | null)[],
  state: readonly unknown[],
  claim: { owner: string; lease: number },
): OutboxMessage {
  const headers = inserted[6] as string;
  return {
    id: inserted[0] as string,
    endpointId: inserted[1] as string,
    url: inserted[2] as string,
    eventType: inserted[3] as string,
    eventId: inserted[4] as string,
    body: inserted[5] as string,
    headers: headers === '{}' ? {} : (JSON.parse(headers) as Record<string, string>),
    signing: { scheme: inserted[7] as SigningScheme, secrets: secretsOf(inserted[8] as string) },
    profile: inserted[9] as RetryProfile,
    traceparent: inserted[10] as string | null,
    status: 'in_flight',
    attempts: num(state[1] as number),
    cycleStart: num(state[2] as number),
    createdAt: inserted[11] as number,
    nextAttemptAt: claim.lease,
    lockedUntil: claim.lease,
    lockOwner: claim.owner,
    lastAttemptAt: numOrNull(state[3] as number | null),
    lastStatusCode: state[4] as number | null,
    lastFailureKind: state[5] as FailureKind | null,
    deliveredAt: numOrNull(state[6] as number | null),
  };
}

export function rowToAttempt(row: AttemptRow): AttemptRecord {
  return {
    messageId: row.message_id,
    attemptNo: row.attempt_no,
    startedAt: num(row.started_at),
    durationMs: row.duration_ms,
    statusCode: row.status_code,
    ok: row.ok === true || row.ok === 1,
    failureKind: row.failure_kind as FailureKind | null,
    responseExcerpt: row.response_excerpt,
    responseHeaders: JSON.parse(row.response_headers) as Record<string, string>,
  };
}

export interface HealthRow {
  endpoint_id: string;
  failing_since: number | string | null;
  last_failure_at: number | string | null;
  last_success_at: number | string | null;
}

export function healthFromRow(row: HealthRow): EndpointHealthRow {
  return {
    endpointId: row.endpoint_id,
    failingSince: numOrNull(row.failing_since),
    lastFailureAt: numOrNull(row.last_failure_at),
    lastSuccessAt: numOrNull(row.last_success_at),
  };
}

/** Column values for a fresh message, in `INSERT_COLUMNS` order. */
export function insertValues(
  msg: NewMessage,
  now: number,
): { id: string; values: (string | number | null)[] } {
  const id = msg.id ?? newMessageId(now);
  return {
    id,
    values: [
      id,
      msg.endpointId,
      msg.url,
      msg.eventType,
      msg.eventId,
      msg.body,
      JSON.stringify(msg.headers ?? {}),
      msg.signing?.scheme ?? 'none',
      JSON.stringify(msg.signing?.secrets ?? []),
      msg.profile ?? 'standard',
      msg.traceparent ?? null,
      now,
      msg.nextAttemptAt ?? now,
    ],
  };
}

export const INSERT_COLUMNS =
  'id, endpoint_id, url, event_type, event_id, body, headers, signing_scheme, signing_secrets, profile, traceparent, created_at, next_attempt_at';

export function messageFromInsert(msg: NewMessage, id: string, now: number): OutboxMessage {
  return {
    id,
    endpointId: msg.endpointId,
    url: msg.url,
    eventType: msg.eventType,
    eventId: msg.eventId,
    body: msg.body,
    headers: msg.headers ?? {},
    signing: msg.signing ?? { scheme: 'none' as SigningScheme, secrets: [] },
    profile: msg.profile ?? 'standard',
    traceparent: msg.traceparent ?? null,
    status: 'pending',
    attempts: 0,
    cycleStart: 0,
    createdAt: now,
    nextAttemptAt: msg.nextAttemptAt ?? now,
    lockedUntil: null,
    lockOwner: null,
    lastAttemptAt: null,
    lastStatusCode: null,
    lastFailureKind: null,
    deliveredAt: null,
  };
}

/** Chooses claimable candidates without exceeding any endpoint's free slots (candidates are in due order). */
export function pickWithinEndpointSlots<T extends { endpoint_id: string }>(
  candidates: readonly T[],
  slots: ReadonlyMap<string, number>,
  perEndpointLimit: number,
): { picked: T[]; skipped: boolean } {
  const used = new Map<string, number>();
  const picked: T[] = [];
  let skipped = false;
  for (const row of candidates) {
    const free = slots.get(row.endpoint_id) ?? perEndpointLimit;
    const taken = used.get(row.endpoint_id) ?? 0;
    if (taken >= free) {
      skipped = true;
      continue;
    }
    used.set(row.endpoint_id, taken + 1);
    picked.push(row);
  }
  return { picked, skipped };
}
