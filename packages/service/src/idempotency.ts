import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { peekStringBody } from './app.ts';
import { ApiError, normalizeError, problemResponse } from './errors.ts';
import { randomHex } from './random.ts';

/** The one canonical JSON: object keys sorted, `undefined` members dropped, so equal values print equally. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v ?? null)).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The slice of a better-sqlite3 connection the store uses (structural, so this package needs no driver). */
export interface IdempotencySqlite {
  exec(sql: string): unknown;
  prepare(sql: string): {
    run(...params: unknown[]): { changes: number };
    get(...params: unknown[]): unknown;
  };
}

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface IdempotencyRecord {
  scope: string;
  key: string;
  fingerprint: string;
  status: 'in_flight' | 'done';
  response: StoredResponse | null;
  createdAt: number;
  expiresAt: number;
}

export type IdempotencyBegin =
  /** The key is ours: run the request, then `complete` or `release` with this claim. */
  { kind: 'claimed'; claim: string } | { kind: 'existing'; record: IdempotencyRecord };

export interface IdempotencyStore {
  /**
   * Claims (scope, key) for a new request in one statement, or returns the live record holding it. An expired
   * record, or an in-flight one older than `abandonAfter` (its process died), is taken over.
   */
  begin(req: {
    scope: string;
    key: string;
    fingerprint: string;
    now: number;
    ttlMs: number;
    abandonAfterMs: number;
  }): IdempotencyBegin;
  /** Stores the response of the claimed request (a no-op if the claim was taken over meanwhile). */
  complete(scope: string, key: string, claim: string, response: StoredResponse): void;
  /** Frees the key without storing anything (the request failed validation or threw). */
  release(scope: string, key: string, claim: string): void;
  get(scope: string, key: string): IdempotencyRecord | null;
  /** Deletes records whose TTL is over; returns how many. */
  purge(now: number): number;
}

interface Row {
  scope: string;
  key: string;
  fingerprint: string;
  status: 'in_flight' | 'done';
  response_status: number | null;
  response_headers: string | null;
  response_body: string | null;
  created_at: number;
  expires_at: number;
}

const toRecord = (r: Row): IdempotencyRecord => ({
  scope: r.scope,
  key: r.key,
  fingerprint: r.fingerprint,
  status: r.status,
  response:
    r.status === 'done'
      ? {
          status: r.response_status ?? 200,
          headers: JSON.parse(r.response_headers ?? '{}') as Record<string, string>,
          body: r.response_body ?? '',
        }
      : null,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

/** Idempotency records in SQLite; the table (default `idempotency_requests`) is created if missing. */
export function createIdempotencyStore(
  sqlite: IdempotencySqlite,
  opts: { table?: string } = {},
): IdempotencyStore {
  const t = opts.table ?? 'idempotency_requests';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(t)) throw new TypeError(`Invalid idempotency table name: ${t}`);
  sqlite.exec(`CREATE TABLE IF NOT EXISTS ${t} (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('in_flight', 'done')),
    claim TEXT NOT NULL,
    response_status INTEGER,
    response_headers TEXT,
    response_body TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
  );
  CREATE INDEX IF NOT EXISTS ${t}_expires ON ${t} (expires_at);`);
  const insert = sqlite.prepare(
    `INSERT INTO ${t} (scope, key, fingerprint, status, claim, created_at, expires_at)
     VALUES (?, ?, ?, 'in_flight', ?, ?, ?) ON CONFLICT (scope, key) DO NOTHING`,
  );
  const takeOver = sqlite.prepare(
    `UPDATE ${t} SET fingerprint = ?, status = 'in_flight', claim = ?, response_status = NULL,
       response_headers = NULL, response_body = NULL, created_at = ?, expires_at = ?
     WHERE scope = ? AND key = ? AND (expires_at <= ? OR (status = 'in_flight' AND created_at <= ?))`,
  );
  const select = sqlite.prepare(
    `SELECT scope, key, fingerprint, status, response_status, response_headers, response_body, created_at, expires_at
     FROM ${t} WHERE scope = ? AND key = ?`,
  );
  const finish = sqlite.prepare(
    `UPDATE ${t} SET status = 'done', response_status = ?, response_headers = ?, response_body = ?
     WHERE scope = ? AND key = ? AND claim = ?`,
  );
  const remove = sqlite.prepare(`DELETE FROM ${t} WHERE scope = ? AND key = ? AND claim = ?`);
  const purge = sqlite.prepare(`DELETE FROM ${t} WHERE expires_at <= ?`);
  return {
    begin({ scope, key, fingerprint, now, ttlMs, abandonAfterMs }) {
      const claim = randomHex(16);
      const expiresAt = now + ttlMs;
      if (insert.run(scope, key, fingerprint, claim, now, expiresAt).changes === 1)
        return { kind: 'claimed', claim };
      const taken = takeOver.run(fingerprint, claim, now, expiresAt, scope, key, now, now - abandonAfterMs);
      if (taken.changes === 1) return { kind: 'claimed', claim };
      const row = select.get(scope, key) as Row | undefined;
      // Deleted between the two statements (another connection released it): claim it afresh.
      if (!row) return this.begin({ scope, key, fingerprint, now, ttlMs, abandonAfterMs });
      return { kind: 'existing', record: toRecord(row) };
    },
    complete(scope, key, claim, res) {
      finish.run(res.status, JSON.stringify(res.headers), res.body, scope, key, claim);
    },
    release(scope, key, claim) {
      remove.run(scope, key, claim);
    },
    get(scope, key) {
      const row = select.get(scope, key) as Row | undefined;
      return row ? toRecord(row) : null;
    },
    purge: (now) => purge.run(now).changes,
  };
}

export type IdempotencyConflict = 'in_flight' | 'mismatch';

export interface IdempotencyOptions {
  store: IdempotencyStore;
  /** Whose keys these are (account, merchant…); null = this request is not idempotent (no key space). */
  scope: (c: Context) => string | null;
  header?: string;
  /** How long a stored response is replayed (default 24 h, as Stripe). */
  ttlMs?: number;
  methods?: string[];
  /** The app's wire-format answer: `mismatch` = same key, other request; `in_flight` = the first still runs. */
  onConflict: (c: Context, kind: IdempotencyConflict) => Response | Promise<Response>;
  /** A key that is not 1–255 printable ASCII characters; default 400 problem+json `invalid_idempotency_key`. */
  onInvalidKey?: (c: Context) => Response | Promise<Response>;
  /** Which responses are kept for replay (default 2xx); others free the key so it can be used again. */
  storable?: (status: number) => boolean;
  /** What identifies "the same request"; default method, path and the canonical body. */
  fingerprint?: (c: Context) => string | Promise<string>;
  /** An in-flight record older than this is taken to be abandoned by a dead process (default 60 s). */
  abandonAfterMs?: number;
  clock?: { now(): number };
  /** Runs after the key is claimed, before the handler (tests hold a request here). */
  beforeHandler?: (key: string) => Promise<void>;
}

const KEY = /^[\x21-\x7e]{1,255}$/;
// Not replayed: per-exchange headers (a replay gets its own), and cookies, which may carry a session.
const UNSTORED = new Set([
  'set-cookie',
  'date',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'request-id',
  'x-request-id',
  'traceparent',
]);

/** The request body in canonical form: JSON and form bodies compare by value, anything else as sent. */
async function canonicalBody(c: Context): Promise<string> {
  const text = await c.req.text();
  const type = c.req.header('content-type') ?? '';
  if (/\bjson\b/i.test(type)) {
    try {
      return canonical(JSON.parse(text));
    } catch {
      return text;
    }
  }
  if (/application\/x-www-form-urlencoded/i.test(type)) {
    const fields: Record<string, string[]> = {};
    for (const [k, v] of new URLSearchParams(text)) {
      const values = fields[k] ?? [];
      values.push(v);
      fields[k] = values;
    }
    return canonical(fields);
  }
  return text;
}

const defaultFingerprint = async (c: Context) =>
  createHash('sha256')
    .update(`${c.req.method} ${c.req.path}\n${await canonicalBody(c)}`)
    .digest('base64url');

const invalidKey = (c: Context, header: string) =>
  problemResponse(
    c,
    normalizeError(
      new ApiError({
        status: 400,
        code: 'invalid_idempotency_key',
        message: `${header} must be 1 to 255 printable ASCII characters`,
        param: header,
      }),
    ),
  );

/**
 * Stripe-style idempotency keys: the first request with a key runs and its response is stored; a retry with the
 * same request gets that response again (`Idempotent-Replayed: true`) without running anything.
 */
export function idempotency(opts: IdempotencyOptions): MiddlewareHandler {
  const header = opts.header ?? 'Idempotency-Key';
  const ttlMs = opts.ttlMs ?? 24 * 60 * 60 * 1000;
  const abandonAfterMs = opts.abandonAfterMs ?? 60_000;
  const methods = new Set((opts.methods ?? ['POST']).map((m) => m.toUpperCase()));
  const storable = opts.storable ?? ((s: number) => s >= 200 && s < 300);
  const fingerprintOf = opts.fingerprint ?? defaultFingerprint;
  const now = () => opts.clock?.now() ?? Date.now();
  let sincePurge = 0;
  return async (c, next) => {
    const key = c.req.header(header);
    if (key === undefined || !methods.has(c.req.method)) return next();
    if (!KEY.test(key)) return opts.onInvalidKey ? opts.onInvalidKey(c) : invalidKey(c, header);
    const scope = opts.scope(c);
    if (scope === null) return next();
    const fingerprint = await fingerprintOf(c);
    const at = now();
    if (++sincePurge >= 1000) {
      sincePurge = 0;
      opts.store.purge(at);
    }
    const begun = opts.store.begin({ scope, key, fingerprint, now: at, ttlMs, abandonAfterMs });
    if (begun.kind === 'existing') {
      const { record } = begun;
      if (record.fingerprint !== fingerprint) return opts.onConflict(c, 'mismatch');
      if (record.status === 'in_flight' || !record.response) return opts.onConflict(c, 'in_flight');
      const { status, headers, body } = record.response;
      return new Response(status === 204 || status === 304 ? null : body, {
        status,
        headers: { ...headers, 'idempotent-replayed': 'true' },
      });
    }
    let kept = false;
    try {
      await opts.beforeHandler?.(key);
      await next();
      const res = c.res;
      if (storable(res.status)) {
        const body = peekStringBody(res) ?? (await res.clone().text());
        const headers: Record<string, string> = {};
        res.headers.forEach((v, k) => {
          if (!UNSTORED.has(k)) headers[k] = v;
        });
        opts.store.complete(scope, key, begun.claim, { status: res.status, headers, body });
        kept = true;
      }
    } finally {
      if (!kept) opts.store.release(scope, key, begun.claim);
    }
  };
}
