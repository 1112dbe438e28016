// The delivery engine's vocabulary: messages, attempts, the store contract and the clock.
import type { EndpointHealth } from './policy.ts';
import type { SigningScheme } from './signing.ts';

export type RetryProfile = 'stripe' | 'slack' | 'standard';
/**
 * `dead`: its retries are spent (or retrying cannot help). `failed`: its endpoint was disabled, so it was
 * not sent; replay brings it back. `canceled`: its endpoint was deleted.
 */
export type MessageStatus = 'pending' | 'in_flight' | 'delivered' | 'dead' | 'failed' | 'canceled';
/** `dns`: the callback host did not resolve (retried); `ssrf`: the guard refused its address (final). */
export type FailureKind = 'timeout' | 'connection' | 'http' | 'dns' | 'ssrf' | 'gone';

export interface SigningConfig {
  scheme: SigningScheme;
  secrets: string[];
}

/** What a caller hands to `enqueue`; the store fills in id, status and timestamps. */
export interface NewMessage {
  endpointId: string;
  url: string;
  eventType: string;
  eventId: string;
  /** Raw JSON exactly as it will be sent (and signed). */
  body: string;
  headers?: Record<string, string>;
  signing?: SigningConfig;
  profile?: RetryProfile;
  traceparent?: string;
  /** Defaults to now; set it to schedule a delivery later. */
  nextAttemptAt?: number;
  /** Defaults to a fresh `msg_…` id. */
  id?: string;
}

export interface OutboxMessage {
  id: string;
  endpointId: string;
  url: string;
  eventType: string;
  eventId: string;
  body: string;
  headers: Record<string, string>;
  signing: SigningConfig;
  profile: RetryProfile;
  traceparent: string | null;
  status: MessageStatus;
  /**
   * Attempts made over the message's whole life (replays included). Counted when a worker claims the
   * message, before it sends, so a redelivery after a crash carries the next number, never the same one.
   */
  attempts: number;
  /** Value of `attempts` when the current delivery cycle began (0, or the count at the last replay). */
  cycleStart: number;
  createdAt: number;
  /** Epoch ms. While `in_flight` this is the lease expiry: when another worker may take the message back. */
  nextAttemptAt: number;
  lockedUntil: number | null;
  lockOwner: string | null;
  lastAttemptAt: number | null;
  lastStatusCode: number | null;
  lastFailureKind: FailureKind | null;
  deliveredAt: number | null;
}

export interface AttemptRecord {
  messageId: string;
  attemptNo: number;
  startedAt: number;
  durationMs: number;
  statusCode: number | null;
  ok: boolean;
  failureKind: FailureKind | null;
  /** At most `maxResponseBytes` (4 KB by default) of the response body, or the error message. */
  responseExcerpt: string;
  responseHeaders: Record<string, string>;
}

export interface MessageWithAttempts extends OutboxMessage {
  attemptLog: AttemptRecord[];
}

/** How a claimed message leaves the worker's hands; written in one group commit with its attempt. */
export type Completion =
  | { id: string; owner: string; attempt: AttemptRecord; status: 'delivered' }
  | { id: string; owner: string; attempt: AttemptRecord; status: 'pending'; nextAttemptAt: number }
  | { id: string; owner: string; attempt: AttemptRecord; status: 'dead' }
  | { id: string; owner: string; attempt: AttemptRecord | null; status: 'failed' }
  | { id: string; owner: string; attempt: null; status: 'canceled' };

export interface ClaimRequest {
  now: number;
  limit: number;
  owner: string;
  leaseMs: number;
  /** Free slots per endpoint for endpoints that already have work in flight; 0 excludes the endpoint. */
  endpointSlots: ReadonlyMap<string, number>;
  /** Cap per endpoint for endpoints not in `endpointSlots`. */
  perEndpointLimit: number;
}

export interface ClaimResult {
  messages: OutboxMessage[];
  /** True when the store saw no further due message it could have handed out. */
  exhausted: boolean;
}

export interface ListMessagesQuery {
  status?: MessageStatus;
  endpointId?: string;
  limit?: number;
  /** Page backwards: only messages whose id sorts before this one. */
  before?: string;
}

export interface OutboxStats {
  pending: number;
  inFlight: number;
  delivered: number;
  dead: number;
  failed: number;
  canceled: number;
  attempts: number;
  oldestPendingAt: number | null;
}

export interface ReplayFilter {
  endpointId?: string;
  /** Also replay delivered messages (default: only those that never arrived: dead, failed, canceled). */
  includeDelivered?: boolean;
}

/** An endpoint's health as a store keeps it. */
export interface EndpointHealthRow extends EndpointHealth {
  endpointId: string;
}

/** The part of a store the dispatcher and the queries use; both SQLite and PostgreSQL implement it. */
export interface OutboxStore {
  readonly kind: 'sqlite' | 'postgres';
  claim(request: ClaimRequest): Promise<ClaimResult>;
  complete(completions: readonly Completion[]): Promise<void>;
  /**
   * Optional: `complete` then `claim` as one transaction (one commit per dispatcher turn instead of two).
   * The dispatcher uses it when present; a store whose claims are remote round trips should leave it out.
   */
  completeAndClaim?(completions: readonly Completion[], request: ClaimRequest): Promise<ClaimResult>;
  /**
   * Hands claimed messages back (graceful stop): pending again, due at `now`. Unless `sent` (the attempt
   * was in flight and may have arrived), the attempt counted at claim time is taken back.
   */
  release(ids: readonly string[], owner: string, now: number, options?: { sent?: boolean }): Promise<void>;
  /** Earliest `next_attempt_at` among pending or leased messages, or null when there is none. */
  nextDueAt(): Promise<number | null>;
  getMessage(id: string): Promise<MessageWithAttempts | null>;
  listMessages(query?: ListMessagesQuery): Promise<OutboxMessage[]>;
  stats(): Promise<OutboxStats>;
  /** Puts a finished message (delivered, dead, failed or canceled) back in line with a fresh retry cycle. */
  replay(id: string, now: number): Promise<boolean>;
  /** Replays messages created since `since` that never arrived (and delivered ones with `includeDelivered`). */
  replaySince(since: number, now: number, filter?: ReplayFilter): Promise<number>;
  /** Moves an endpoint's pending messages to `failed` (it was disabled); returns how many. */
  failPending(endpointId: string): Promise<number>;
  /** Stored health of these endpoints (those with none are left out). */
  loadEndpointHealth(endpointIds: readonly string[]): Promise<EndpointHealthRow[]>;
  /** Merges these views into the stored ones (`mergeEndpointHealth`: latest success wins). */
  saveEndpointHealth(rows: readonly EndpointHealthRow[]): Promise<void>;
  /** Forgets an endpoint's health (after it was disabled, so re-enabling starts afresh). */
  clearEndpointHealth(endpointId: string): Promise<void>;
  /** Called (coalesced, on the next turn of the event loop) after messages are enqueued. */
  subscribe(listener: () => void): () => void;
  /** Starts cross-process wake-ups (PostgreSQL LISTEN); a no-op where there are none. */
  listen?(listener: () => void): Promise<() => Promise<void>>;
}

export type TimerHandle = unknown;

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export interface Logger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  info?(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}
