// The outbox on SQLite (better-sqlite3). Everything is synchronous under the hood: enqueue joins the
// caller's open transaction on the same connection, claims and group commits are one transaction each.
import type BetterSqlite3 from 'better-sqlite3';
import { systemClock } from './clock.ts';
import { OutboxInputError } from './errors.ts';
import {
  type AttemptRow,
  CLAIMED_COLUMNS,
  CLAIMED_STATE_COLUMNS,
  claimedValuesToMessage,
  type HealthRow,
  healthFromRow,
  INSERT_COLUMNS,
  insertedToMessage,
  insertValues,
  type MessageRow,
  messageFromInsert,
  pickWithinEndpointSlots,
  rowToAttempt,
  rowToMessage,
} from './rows.ts';
import { startBackgroundCheckpoints } from './sqlite-checkpointer.ts';
import {
  createWakeup,
  FINISHED,
  listMessagesSql,
  REPLAYABLE,
  replaySet,
  sqlList,
  statsFrom,
  UNDELIVERED,
} from './store-common.ts';
import { outboxDdl, outboxTableNames } from './tables.ts';
import type {
  ClaimRequest,
  Clock,
  Completion,
  EndpointHealthRow,
  ListMessagesQuery,
  NewMessage,
  OutboxMessage,
  OutboxStore,
} from './types.ts';
import { parseListQuery, parseNewMessage, parseReplayFilter, requireId, requireTime } from './validate.ts';

export interface SqliteOutboxOptions {
  /** Prepended to the table names, e.g. `shop_` → `shop_outbox_messages`. */
  tablePrefix?: string;
  clock?: Clock;
  /**
   * `background` (default): for a file database in WAL mode, automatic checkpoints are turned off on
   * this connection and a worker thread runs them on its own connection, so no commit on the event loop
   * ever waits for a checkpoint's fsync. `inline` leaves SQLite's automatic checkpoints as they are.
   */
  checkpoints?: 'background' | 'inline';
}

export interface SqliteOutbox extends OutboxStore {
  readonly kind: 'sqlite';
  /** Inserts the message on `tx`, the connection whose transaction the caller is in; commits with it. */
  enqueue(tx: BetterSqlite3.Database, message: NewMessage): OutboxMessage;
  enqueueMany(tx: BetterSqlite3.Database, messages: readonly NewMessage[]): OutboxMessage[];
}

const checkpointed = new WeakSet<BetterSqlite3.Database>();

/** Creates the outbox tables if needed and returns a store on this better-sqlite3 connection. */
export function createSqliteOutbox(
  db: BetterSqlite3.Database,
  options: SqliteOutboxOptions = {},
): SqliteOutbox {
  if (!db || typeof (db as { prepare?: unknown }).prepare !== 'function') {
    throw new OutboxInputError('createSqliteOutbox', ['db: expected a better-sqlite3 Database']);
  }
  const prefix = options.tablePrefix ?? '';
  if (!/^[a-z0-9_]*$/i.test(prefix)) {
    throw new OutboxInputError('createSqliteOutbox', ['tablePrefix: letters, digits and _ only']);
  }
  const clock = options.clock ?? systemClock;
  if (
    options.checkpoints !== undefined &&
    options.checkpoints !== 'background' &&
    options.checkpoints !== 'inline'
  ) {
    throw new OutboxInputError('createSqliteOutbox', ["checkpoints: expected 'background' or 'inline'"]);
  }
  const { messages: M, attempts: A, health: H } = outboxTableNames(prefix);
  db.exec(outboxDdl('sqlite', prefix).join(';\n'));

  const insertSql = `INSERT INTO ${M} (${INSERT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`;
  const insertByConnection = new WeakMap<BetterSqlite3.Database, BetterSqlite3.Statement>();
  const insertOn = (tx: BetterSqlite3.Database) => {
    let stmt = insertByConnection.get(tx);
    if (!stmt) {
      stmt = tx.prepare(insertSql);
      insertByConnection.set(tx, stmt);
    }
    return stmt;
  };

  // While in_flight, next_attempt_at holds the lease expiry, so one (status, next_attempt_at) index
  // finds both due messages and claims abandoned by a crashed worker.
  const selectExpired = db.prepare(
    `SELECT rowid AS id, endpoint_id FROM ${M} WHERE status = 'in_flight' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`,
  );
  const selectDue = db.prepare(
    `SELECT rowid AS id, endpoint_id FROM ${M} WHERE status = 'pending' AND next_attempt_at <= ?
       AND endpoint_id NOT IN (SELECT value FROM json_each(?)) ORDER BY next_attempt_at LIMIT ?`,
  );
  const selectDueAny = db.prepare(
    `SELECT rowid AS id, endpoint_id FROM ${M} WHERE status = 'pending' AND next_attempt_at <= ?
       ORDER BY next_attempt_at LIMIT ?`,
  );
  // status, lock_owner, locked_until and next_attempt_at are known after the claim: not read back.
  // The attempt is counted here, before anything is sent, so a redelivery after a crash gets a new number.
  // The claim reads back only what changes after insert; the rest comes from `inserted` when this store
  // enqueued the message, else from a second read. Rows as arrays (raw mode): no object per row.
  const markClaimed = db
    .prepare(
      `UPDATE ${M} SET status = 'in_flight', lock_owner = ?, locked_until = ?, next_attempt_at = ?,
        attempts = attempts + 1
      WHERE rowid IN (SELECT value FROM json_each(?))
      RETURNING ${CLAIMED_STATE_COLUMNS}`,
    )
    .raw(true);
  const selectClaimed = db
    .prepare(`SELECT ${CLAIMED_COLUMNS} FROM ${M} WHERE id IN (SELECT value FROM json_each(?))`)
    .raw(true);
  // Outcomes, positional parameters: an attempt that delivered (the common case), any other attempt,
  // and a state change without an attempt (failed, canceled: the count taken at claim time goes back).
  const finishDelivered = db.prepare(
    `UPDATE ${M} SET status = 'delivered', last_attempt_at = ?,
        last_status_code = ?, last_failure_kind = ?, delivered_at = ?, lock_owner = NULL, locked_until = NULL
      WHERE id = ? AND lock_owner = ? AND status = 'in_flight'`,
  );
  const finishAttempt = db.prepare(
    `UPDATE ${M} SET status = ?, next_attempt_at = coalesce(?, next_attempt_at),
        last_attempt_at = ?, last_status_code = ?, last_failure_kind = ?,
        delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END,
        lock_owner = NULL, locked_until = NULL
      WHERE id = ? AND lock_owner = ? AND status = 'in_flight'`,
  );
  const finishNoAttempt = db.prepare(
    `UPDATE ${M} SET status = ?, attempts = attempts - 1, next_attempt_at = coalesce(?, next_attempt_at),
        delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END,
        lock_owner = NULL, locked_until = NULL
      WHERE id = ? AND lock_owner = ? AND status = 'in_flight'`,
  );
  const insertAttempt = db.prepare(
    `INSERT INTO ${A} (message_id, attempt_no, started_at, duration_ms, status_code, ok, failure_kind,
        response_excerpt, response_headers) VALUES (?,?,?,?,?,?,?,?,?)`,
  );
  const releaseSql = (uncount: string) =>
    `UPDATE ${M} SET status = 'pending', next_attempt_at = ?, lock_owner = NULL, locked_until = NULL${uncount}
      WHERE id IN (SELECT value FROM json_each(?)) AND lock_owner = ? AND status = 'in_flight'`;
  const releaseUnsent = db.prepare(releaseSql(', attempts = attempts - 1'));
  const releaseSent = db.prepare(releaseSql(''));
  const firstDue = db.prepare(
    `SELECT next_attempt_at AS at FROM ${M} WHERE status = ? ORDER BY next_attempt_at LIMIT 1`,
  );
  const selectOne = db.prepare(`SELECT * FROM ${M} WHERE id = ?`);
  const selectAttempts = db.prepare(`SELECT * FROM ${A} WHERE message_id = ? ORDER BY attempt_no, id`);
  const countByStatus = db.prepare(`SELECT status, count(*) AS n FROM ${M} GROUP BY status`);
  const countAttempts = db.prepare(`SELECT count(*) AS n FROM ${A}`);
  const oldestPending = db.prepare(`SELECT min(created_at) AS at FROM ${M} WHERE status = 'pending'`);
  const replayOne = db.prepare(
    `UPDATE ${M} SET ${replaySet('?')} WHERE id = ? AND status IN ${sqlList(REPLAYABLE)}`,
  );
  const replaySql = (statuses: typeof FINISHED) =>
    `UPDATE ${M} SET ${replaySet('?')}
      WHERE created_at >= ? AND status IN ${sqlList(statuses)} AND (? IS NULL OR endpoint_id = ?)`;
  const replayUndelivered = db.prepare(replaySql(UNDELIVERED));
  const replayFinished = db.prepare(replaySql(FINISHED));
  const failPendingStmt = db.prepare(
    `UPDATE ${M} SET status = 'failed' WHERE endpoint_id = ? AND status = 'pending'`,
  );
  const selectHealth = db.prepare(
    `SELECT endpoint_id, failing_since, last_failure_at, last_success_at FROM ${H}
      WHERE endpoint_id IN (SELECT value FROM json_each(?))`,
  );
  // mergeEndpointHealth in SQL: latest success and failure win; a run counts only from after the success.
  const success =
    'max(coalesce(last_success_at, excluded.last_success_at), coalesce(excluded.last_success_at, last_success_at))';
  const after = `coalesce(${success}, -1)`;
  const upsertHealth = db.prepare(
    `INSERT INTO ${H} (endpoint_id, failing_since, last_failure_at, last_success_at) VALUES (?,?,?,?)
      ON CONFLICT (endpoint_id) DO UPDATE SET
        failing_since = CASE
          WHEN failing_since > ${after} AND excluded.failing_since > ${after}
            THEN min(failing_since, excluded.failing_since)
          WHEN failing_since > ${after} THEN failing_since
          WHEN excluded.failing_since > ${after} THEN excluded.failing_since
        END,
        last_failure_at = max(coalesce(last_failure_at, excluded.last_failure_at), coalesce(excluded.last_failure_at, last_failure_at)),
        last_success_at = ${success}`,
  );
  const saveHealthTx = db.transaction((rows: readonly EndpointHealthRow[]) => {
    for (const r of rows) upsertHealth.run(r.endpointId, r.failingSince, r.lastFailureAt, r.lastSuccessAt);
  });
  const deleteHealth = db.prepare(`DELETE FROM ${H} WHERE endpoint_id = ?`);
  const listCache = new Map<string, BetterSqlite3.Statement>();

  if ((options.checkpoints ?? 'background') === 'background' && !checkpointed.has(db)) {
    if (startBackgroundCheckpoints(db)) checkpointed.add(db);
  }

  const { subscribe, wake: scheduleWake } = createWakeup();
  const inserted = createInsertedCache();

  const claimRows = (
    now: number,
    limit: number,
    owner: string,
    leaseMs: number,
    slots: ReadonlyMap<string, number>,
    cap: number,
  ) => {
    // Candidates by rowid: the due index covers (status, next_attempt_at, endpoint_id, rowid).
    const expired = selectExpired.all(now, limit) as { id: number; endpoint_id: string }[];
    const excluded: string[] = [];
    for (const [endpoint, free] of slots) if (free <= 0) excluded.push(endpoint);
    const due = (
      expired.length >= limit
        ? []
        : excluded.length === 0
          ? selectDueAny.all(now, limit - expired.length)
          : selectDue.all(now, JSON.stringify(excluded), limit - expired.length)
    ) as { id: number; endpoint_id: string }[];
    const { picked, skipped } = pickWithinEndpointSlots([...expired, ...due], slots, cap);
    const exhausted = expired.length + due.length < limit && !skipped && excluded.length === 0;
    if (picked.length === 0) return { messages: [], exhausted };
    const lease = now + leaseMs;
    const ids = new Array<number>(picked.length);
    for (let i = 0; i < picked.length; i++) ids[i] = picked[i]!.id;
    const states = markClaimed.all(owner, lease, lease, JSON.stringify(ids)) as unknown[][];
    const messages = new Array<OutboxMessage>(states.length);
    const claim = { owner, lease };
    let unknown: Map<string, number> | undefined;
    for (let i = 0; i < states.length; i++) {
      const state = states[i]!;
      const values = inserted.take(state[0] as string);
      if (values) messages[i] = insertedToMessage(values, state, claim);
      else {
        unknown ??= new Map();
        unknown.set(state[0] as string, i);
      }
    }
    if (unknown) {
      for (const row of selectClaimed.all(JSON.stringify([...unknown.keys()])) as unknown[][]) {
        messages[unknown.get(row[0] as string)!] = claimedValuesToMessage(row, claim);
      }
    }
    return { messages, exhausted };
  };
  const claimTx = db.transaction(claimRows);

  const completeRows = (completions: readonly Completion[]) => {
    const finishedAt = clock.now();
    for (const c of completions) {
      const a = c.attempt;
      const nextAttemptAt = c.status === 'pending' ? c.nextAttemptAt : null;
      if (!a) {
        finishNoAttempt.run(c.status, nextAttemptAt, c.status, finishedAt, c.id, c.owner);
      } else if (c.status === 'delivered') {
        finishDelivered.run(a.startedAt, a.statusCode, a.failureKind, finishedAt, c.id, c.owner);
      } else {
        finishAttempt.run(
          c.status,
          nextAttemptAt,
          a.startedAt,
          a.statusCode,
          a.failureKind,
          c.status,
          finishedAt,
          c.id,
          c.owner,
        );
      }
      if (a) {
        insertAttempt.run(
          a.messageId,
          a.attemptNo,
          a.startedAt,
          a.durationMs,
          a.statusCode,
          a.ok ? 1 : 0,
          a.failureKind,
          a.responseExcerpt,
          JSON.stringify(a.responseHeaders),
        );
      }
    }
  };
  const completeTx = db.transaction(completeRows);
  const completeAndClaimTx = db.transaction((completions: readonly Completion[], r: ClaimRequest) => {
    if (completions.length > 0) completeRows(completions);
    return claimRows(r.now, r.limit, r.owner, r.leaseMs, r.endpointSlots, r.perEndpointLimit);
  });

  const enqueueOne = (tx: BetterSqlite3.Database, input: NewMessage): OutboxMessage => {
    const msg = parseNewMessage(input);
    const now = clock.now();
    const { id, values } = insertValues(msg, now);
    insertOn(tx).run(values);
    // Only ids made here: an enqueue that rolls back leaves an entry no row will ever carry.
    if (msg.id === undefined) inserted.keep(id, values);
    return messageFromInsert(msg, id, now);
  };

  const checkTx = (tx: unknown): BetterSqlite3.Database => {
    if (!tx || typeof (tx as { prepare?: unknown }).prepare !== 'function') {
      throw new OutboxInputError('enqueue', [
        'tx: expected the better-sqlite3 Database the transaction runs on',
      ]);
    }
    return tx as BetterSqlite3.Database;
  };

  return {
    kind: 'sqlite',

    enqueue(tx, message) {
      const out = enqueueOne(checkTx(tx), message);
      scheduleWake();
      return out;
    },

    enqueueMany(tx, messages) {
      const conn = checkTx(tx);
      if (!Array.isArray(messages))
        throw new OutboxInputError('enqueueMany', ['messages: expected an array']);
      const out = messages.map((m) => enqueueOne(conn, m));
      scheduleWake();
      return out;
    },

    async claim({ now, limit, owner, leaseMs, endpointSlots, perEndpointLimit }) {
      return claimTx(now, limit, owner, leaseMs, endpointSlots, perEndpointLimit);
    },

    async complete(completions) {
      if (completions.length > 0) completeTx(completions);
    },

    async completeAndClaim(completions, request) {
      return completeAndClaimTx(completions, request);
    },

    async release(ids, owner, now, options = {}) {
      if (ids.length > 0) (options.sent ? releaseSent : releaseUnsent).run(now, JSON.stringify(ids), owner);
    },

    async nextDueAt() {
      const a = firstDue.get('pending') as { at: number } | undefined;
      const b = firstDue.get('in_flight') as { at: number } | undefined;
      if (!a && !b) return null;
      return Math.min(a?.at ?? Number.POSITIVE_INFINITY, b?.at ?? Number.POSITIVE_INFINITY);
    },

    async getMessage(id) {
      const row = selectOne.get(requireId(id, 'getMessage')) as MessageRow | undefined;
      if (!row) return null;
      const attempts = selectAttempts.all(id) as AttemptRow[];
      return { ...rowToMessage(row), attemptLog: attempts.map(rowToAttempt) };
    },

    async listMessages(query?: ListMessagesQuery) {
      const { sql, params } = listMessagesSql(M, parseListQuery(query), () => '?');
      let stmt = listCache.get(sql);
      if (!stmt) {
        stmt = db.prepare(sql);
        listCache.set(sql, stmt);
      }
      return (stmt.all(...params) as MessageRow[]).map((row) => rowToMessage(row));
    },

    async stats() {
      return statsFrom(
        countByStatus.all() as { status: string; n: number }[],
        (countAttempts.get() as { n: number }).n,
        (oldestPending.get() as { at: number | null }).at,
      );
    },

    async replay(id, now) {
      const changed = replayOne.run(now, requireId(id, 'replay')).changes > 0;
      if (changed) scheduleWake();
      return changed;
    },

    async replaySince(since, now, filter = {}) {
      const from = requireTime(since, 'replaySince');
      const { endpointId, includeDelivered } = parseReplayFilter(filter, 'replaySince');
      const stmt = includeDelivered ? replayFinished : replayUndelivered;
      const n = stmt.run(now, from, endpointId, endpointId).changes;
      if (n > 0) scheduleWake();
      return n;
    },

    async failPending(endpointId) {
      return failPendingStmt.run(requireId(endpointId, 'failPending')).changes;
    },

    async loadEndpointHealth(endpointIds) {
      if (endpointIds.length === 0) return [];
      const rows = selectHealth.all(JSON.stringify(endpointIds)) as HealthRow[];
      return rows.map(healthFromRow);
    },

    async saveEndpointHealth(rows) {
      if (rows.length > 0) saveHealthTx(rows);
    },

    async clearEndpointHealth(endpointId) {
      deleteHealth.run(endpointId);
    },

    subscribe,
  };
}

const INSERTED_MAX = 8192;
const INSERTED_MAX_CHARS = 32 * 1024 * 1024;

type InsertValues = (string | number | null)[];

/**
 * The insert values of messages this store enqueued, until their first claim: those columns never change
 * after insert, so the claim does not read (and copy) body, headers and secrets back. Bounded in entries
 * and in body characters (oldest out first); what is not here is read back as before.
 */
function createInsertedCache() {
  const entries = new Map<string, { values: InsertValues; chars: number }>();
  let chars = 0;
  const drop = (id: string, entry: { chars: number }) => {
    entries.delete(id);
    chars -= entry.chars;
  };
  return {
    keep(id: string, values: InsertValues) {
      const size = (values[5] as string).length;
      if (size > INSERTED_MAX_CHARS) return;
      while (entries.size >= INSERTED_MAX || chars + size > INSERTED_MAX_CHARS) {
        const oldest = entries.entries().next().value;
        if (!oldest) break;
        drop(oldest[0], oldest[1]);
      }
      chars += size;
      entries.set(id, { values, chars: size });
    },
    take(id: string): InsertValues | undefined {
      const entry = entries.get(id);
      if (!entry) return undefined;
      drop(id, entry);
      return entry.values;
    },
  };
}
