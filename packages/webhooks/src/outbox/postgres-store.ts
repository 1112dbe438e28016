// The outbox on PostgreSQL (`postgres` driver). Several dispatcher processes share it: claims use
// FOR UPDATE SKIP LOCKED plus a lease, and enqueue sends NOTIFY, which PostgreSQL delivers at commit.
import type postgres from 'postgres';
import { systemClock } from './clock.ts';
import { OutboxInputError } from './errors.ts';
import {
  type AttemptRow,
  type HealthRow,
  healthFromRow,
  INSERT_COLUMNS,
  insertValues,
  type MessageRow,
  messageFromInsert,
  rowToAttempt,
  rowToMessage,
} from './rows.ts';
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
  Clock,
  Completion,
  ListMessagesQuery,
  NewMessage,
  OutboxMessage,
  OutboxStore,
} from './types.ts';
import { parseListQuery, parseNewMessage, parseReplayFilter, requireId, requireTime } from './validate.ts';

export type PostgresQueryable = postgres.Sql | postgres.TransactionSql;

export interface PostgresOutboxOptions {
  /** Schema for the tables (created if missing); default `public`. Tests use one schema each. */
  schema?: string;
  tablePrefix?: string;
  clock?: Clock;
}

export interface PostgresOutbox extends OutboxStore {
  readonly kind: 'postgres';
  /** Resolves once the tables exist; every method waits for it too. */
  readonly ready: Promise<void>;
  /** Inserts on `tx` (the transaction from `sql.begin(tx => …)`); commits or rolls back with it. */
  enqueue(tx: PostgresQueryable, message: NewMessage): Promise<OutboxMessage>;
  enqueueMany(tx: PostgresQueryable, messages: readonly NewMessage[]): Promise<OutboxMessage[]>;
}

const ident = /^[a-z_][a-z0-9_]*$/;

/** Returns a store on this `postgres` client, creating its tables (under an advisory lock) on first use. */
export function createPostgresOutbox(sql: postgres.Sql, options: PostgresOutboxOptions = {}): PostgresOutbox {
  if (typeof sql !== 'function' || typeof (sql as { unsafe?: unknown }).unsafe !== 'function') {
    throw new OutboxInputError('createPostgresOutbox', ['sql: expected a `postgres` client']);
  }
  const schema = options.schema ?? 'public';
  const prefix = options.tablePrefix ?? '';
  const bad: string[] = [];
  if (!ident.test(schema)) bad.push('schema: lower-case letters, digits and _ only');
  if (prefix && !/^[a-z0-9_]+$/.test(prefix)) bad.push('tablePrefix: lower-case letters, digits and _ only');
  if (bad.length) throw new OutboxInputError('createPostgresOutbox', bad);
  const clock = options.clock ?? systemClock;
  const { messages: M, attempts: A, health: H } = outboxTableNames(prefix, schema);
  const channel = `hooklab_outbox_${schema}_${prefix}`.slice(0, 63);
  const prepare = { prepare: true };

  const ready = sql
    .begin(async (tx) => {
      await tx.unsafe(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`${schema}.${prefix}outbox`]);
      await tx.unsafe(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      for (const statement of outboxDdl('postgres', prefix, schema)) await tx.unsafe(statement);
    })
    .then(() => undefined);
  // Callers await `ready` (or any method); this only keeps an early failure from being unhandled.
  ready.catch(() => undefined);

  const insertOne = `WITH ins AS (INSERT INTO ${M} (${INSERT_COLUMNS})
      VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING 1)
    SELECT pg_notify($14, '') FROM ins`;
  const insertMany = `WITH ins AS (INSERT INTO ${M} (${INSERT_COLUMNS})
      SELECT * FROM jsonb_to_recordset($1::text::jsonb) AS x(id text, endpoint_id text, url text, event_type text,
        event_id text, body text, headers text, signing_scheme text, signing_secrets text, profile text,
        traceparent text, created_at bigint, next_attempt_at bigint) RETURNING 1)
    SELECT pg_notify($2, '') FROM (SELECT 1 FROM ins LIMIT 1) one`;
  const cols = INSERT_COLUMNS.split(', ');

  // One round trip: lock due rows (skipping those another worker holds), cap each endpoint by its free
  // slots, mark them in flight with a lease, and report how many candidates there were.
  const claimSql = `
    WITH expired AS (
      SELECT id, endpoint_id, next_attempt_at FROM ${M}
       WHERE status = 'in_flight' AND next_attempt_at <= $1
       ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED
    ), due AS (
      SELECT id, endpoint_id, next_attempt_at FROM ${M}
       WHERE status = 'pending' AND next_attempt_at <= $1 AND NOT (endpoint_id = ANY($3::text[]))
       ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED
    ), cand AS (
      SELECT * FROM expired UNION ALL SELECT * FROM due
    ), ranked AS (
      SELECT id, endpoint_id,
             row_number() OVER (PARTITION BY endpoint_id ORDER BY next_attempt_at) AS rn,
             row_number() OVER (ORDER BY next_attempt_at) AS pos
        FROM cand
    ), picked AS (
      SELECT r.id FROM ranked r LEFT JOIN jsonb_each_text($4::text::jsonb) s ON s.key = r.endpoint_id
       WHERE r.pos <= $2 AND r.rn <= coalesce(s.value::int, $5)
    ), upd AS (
      UPDATE ${M} m SET status = 'in_flight', lock_owner = $6, locked_until = $7, next_attempt_at = $7,
             attempts = m.attempts + 1
        FROM picked p WHERE m.id = p.id RETURNING m.*
    )
    SELECT c.n AS _candidates, upd.* FROM (SELECT count(*)::int AS n FROM cand) c LEFT JOIN upd ON true`;

  // An attempt was counted at claim time; an outcome without one (failed, canceled) takes it back (inc -1).
  const completeSql = `
    WITH d AS (
      SELECT * FROM jsonb_to_recordset($1::text::jsonb) AS x(id text, owner text, status text, inc int,
        next bigint, started bigint, code int, kind text, fin bigint)
    ), u AS (
      UPDATE ${M} m SET status = d.status, attempts = m.attempts + d.inc,
             next_attempt_at = coalesce(d.next, m.next_attempt_at),
             last_attempt_at = coalesce(d.started, m.last_attempt_at),
             last_status_code = CASE WHEN d.inc = 0 THEN d.code ELSE m.last_status_code END,
             last_failure_kind = CASE WHEN d.inc = 0 THEN d.kind ELSE m.last_failure_kind END,
             delivered_at = CASE WHEN d.status = 'delivered' THEN d.fin ELSE m.delivered_at END,
             lock_owner = NULL, locked_until = NULL
        FROM d WHERE m.id = d.id AND m.lock_owner = d.owner AND m.status = 'in_flight'
      RETURNING 1
    )
    INSERT INTO ${A} (message_id, attempt_no, started_at, duration_ms, status_code, ok, failure_kind,
                      response_excerpt, response_headers)
    SELECT * FROM jsonb_to_recordset($2::text::jsonb) AS a(message_id text, attempt_no int, started_at bigint,
      duration_ms double precision, status_code int, ok boolean, failure_kind text, response_excerpt text,
      response_headers text)`;

  // mergeEndpointHealth in SQL (greatest/least skip NULLs): latest success and failure win, and a run
  // of failures counts only from after the latest success.
  const success = 'greatest(h.last_success_at, excluded.last_success_at)';
  const after = `coalesce(${success}, -1)`;
  const saveHealthSql = `
    INSERT INTO ${H} AS h (endpoint_id, failing_since, last_failure_at, last_success_at)
    SELECT * FROM jsonb_to_recordset($1::text::jsonb)
      AS x("endpointId" text, "failingSince" bigint, "lastFailureAt" bigint, "lastSuccessAt" bigint)
    ON CONFLICT (endpoint_id) DO UPDATE SET
      failing_since = CASE
        WHEN h.failing_since > ${after} AND excluded.failing_since > ${after}
          THEN least(h.failing_since, excluded.failing_since)
        WHEN h.failing_since > ${after} THEN h.failing_since
        WHEN excluded.failing_since > ${after} THEN excluded.failing_since
      END,
      last_failure_at = greatest(h.last_failure_at, excluded.last_failure_at),
      last_success_at = ${success}`;

  const { subscribe, wake: scheduleWake } = createWakeup();

  const checkTx = (tx: unknown, where: string): PostgresQueryable => {
    if (typeof tx !== 'function' || typeof (tx as { unsafe?: unknown }).unsafe !== 'function') {
      throw new OutboxInputError(where, ['tx: expected the `postgres` transaction from sql.begin(tx => …)']);
    }
    return tx as PostgresQueryable;
  };

  return {
    kind: 'postgres',
    ready,

    async enqueue(tx, input) {
      const conn = checkTx(tx, 'enqueue');
      const msg = parseNewMessage(input);
      await ready;
      const now = clock.now();
      const { id, values } = insertValues(msg, now);
      await conn.unsafe(insertOne, [...values, channel], prepare);
      scheduleWake();
      return messageFromInsert(msg, id, now);
    },

    async enqueueMany(tx, inputs) {
      const conn = checkTx(tx, 'enqueueMany');
      if (!Array.isArray(inputs)) throw new OutboxInputError('enqueueMany', ['messages: expected an array']);
      const msgs = inputs.map((m) => parseNewMessage(m, 'enqueueMany'));
      await ready;
      if (msgs.length === 0) return [];
      const now = clock.now();
      const out: OutboxMessage[] = [];
      const rows = msgs.map((msg) => {
        const { id, values } = insertValues(msg, now);
        out.push(messageFromInsert(msg, id, now));
        return Object.fromEntries(cols.map((c, i) => [c, values[i]]));
      });
      await conn.unsafe(insertMany, [JSON.stringify(rows), channel], prepare);
      scheduleWake();
      return out;
    },

    async claim({ now, limit, owner, leaseMs, endpointSlots, perEndpointLimit }) {
      await ready;
      const excluded: string[] = [];
      const slots: Record<string, number> = {};
      for (const [endpoint, free] of endpointSlots) {
        if (free <= 0) excluded.push(endpoint);
        else slots[endpoint] = free;
      }
      const lease = now + leaseMs;
      const rows = (await sql.unsafe(
        claimSql,
        [now, limit, excluded, JSON.stringify(slots), perEndpointLimit, owner, lease],
        prepare,
      )) as unknown as (MessageRow & { _candidates: number })[];
      const candidates = rows[0]?._candidates ?? 0;
      const messages = rows.filter((r) => r.id !== null).map((row) => rowToMessage(row));
      const exhausted = candidates < limit && messages.length === candidates && excluded.length === 0;
      return { messages, exhausted };
    },

    async complete(completions: readonly Completion[]) {
      if (completions.length === 0) return;
      await ready;
      const fin = clock.now();
      const updates = completions.map((c) => ({
        id: c.id,
        owner: c.owner,
        status: c.status,
        inc: c.attempt ? 0 : -1,
        next: c.status === 'pending' ? c.nextAttemptAt : null,
        started: c.attempt?.startedAt ?? null,
        code: c.attempt?.statusCode ?? null,
        kind: c.attempt?.failureKind ?? null,
        fin,
      }));
      const attempts = completions.flatMap((c) =>
        c.attempt
          ? [
              {
                message_id: c.attempt.messageId,
                attempt_no: c.attempt.attemptNo,
                started_at: c.attempt.startedAt,
                duration_ms: c.attempt.durationMs,
                status_code: c.attempt.statusCode,
                ok: c.attempt.ok,
                failure_kind: c.attempt.failureKind,
                response_excerpt: c.attempt.responseExcerpt,
                response_headers: JSON.stringify(c.attempt.responseHeaders),
              },
            ]
          : [],
      );
      await sql.unsafe(completeSql, [JSON.stringify(updates), JSON.stringify(attempts)], prepare);
    },

    async release(ids, owner, now, options = {}) {
      if (ids.length === 0) return;
      await ready;
      await sql.unsafe(
        `UPDATE ${M} SET status = 'pending', next_attempt_at = $1, lock_owner = NULL, locked_until = NULL,
                attempts = attempts - ${options.sent ? 0 : 1}
          WHERE id = ANY($2::text[]) AND lock_owner = $3 AND status = 'in_flight'`,
        [now, [...ids], owner],
        prepare,
      );
    },

    async nextDueAt() {
      await ready;
      const [row] = await sql.unsafe(
        `SELECT least(
           (SELECT next_attempt_at FROM ${M} WHERE status = 'pending' ORDER BY next_attempt_at LIMIT 1),
           (SELECT next_attempt_at FROM ${M} WHERE status = 'in_flight' ORDER BY next_attempt_at LIMIT 1)) AS at`,
        [],
        prepare,
      );
      return row?.at == null ? null : Number(row.at);
    },

    async getMessage(id) {
      requireId(id, 'getMessage');
      await ready;
      const [row] = (await sql.unsafe(
        `SELECT * FROM ${M} WHERE id = $1`,
        [id],
        prepare,
      )) as unknown as MessageRow[];
      if (!row) return null;
      const attempts = (await sql.unsafe(
        `SELECT * FROM ${A} WHERE message_id = $1 ORDER BY attempt_no, id`,
        [id],
        prepare,
      )) as unknown as AttemptRow[];
      return { ...rowToMessage(row), attemptLog: attempts.map(rowToAttempt) };
    },

    async listMessages(query?: ListMessagesQuery) {
      const q = parseListQuery(query);
      await ready;
      const { sql: text, params } = listMessagesSql(M, q, (n) => `$${n}`);
      const rows = await sql.unsafe(text, params, prepare);
      return (rows as unknown as MessageRow[]).map((row) => rowToMessage(row));
    },

    async stats() {
      await ready;
      const counts = await sql.unsafe(
        `SELECT status, count(*)::int AS n FROM ${M} GROUP BY status`,
        [],
        prepare,
      );
      const [extra] = await sql.unsafe(
        `SELECT (SELECT count(*)::int FROM ${A}) AS attempts,
                (SELECT min(created_at) FROM ${M} WHERE status = 'pending') AS oldest`,
        [],
        prepare,
      );
      return statsFrom(counts as unknown as { status: string; n: number }[], extra?.attempts, extra?.oldest);
    },

    async replay(id, now) {
      requireId(id, 'replay');
      await ready;
      const result = await sql.unsafe(
        `UPDATE ${M} SET ${replaySet('$1')} WHERE id = $2 AND status IN ${sqlList(REPLAYABLE)}
          RETURNING pg_notify($3, '')`,
        [now, id, channel],
        prepare,
      );
      if (result.count > 0) scheduleWake();
      return result.count > 0;
    },

    async replaySince(since, now, filter = {}) {
      const from = requireTime(since, 'replaySince');
      const { endpointId, includeDelivered } = parseReplayFilter(filter, 'replaySince');
      await ready;
      const statuses = sqlList(includeDelivered ? FINISHED : UNDELIVERED);
      const result = await sql.unsafe(
        `UPDATE ${M} SET ${replaySet('$1')}
          WHERE created_at >= $2 AND status IN ${statuses} AND ($3::text IS NULL OR endpoint_id = $3)`,
        [now, from, endpointId],
        prepare,
      );
      if (result.count > 0) {
        await sql.unsafe(`SELECT pg_notify($1, '')`, [channel]);
        scheduleWake();
      }
      return result.count;
    },

    async failPending(endpointId) {
      requireId(endpointId, 'failPending');
      await ready;
      const result = await sql.unsafe(
        `UPDATE ${M} SET status = 'failed' WHERE endpoint_id = $1 AND status = 'pending'`,
        [endpointId],
        prepare,
      );
      return result.count;
    },

    async loadEndpointHealth(endpointIds) {
      if (endpointIds.length === 0) return [];
      await ready;
      const rows = await sql.unsafe(
        `SELECT endpoint_id, failing_since, last_failure_at, last_success_at FROM ${H}
          WHERE endpoint_id = ANY($1::text[])`,
        [[...endpointIds]],
        prepare,
      );
      return (rows as unknown as HealthRow[]).map(healthFromRow);
    },

    async saveEndpointHealth(rows) {
      if (rows.length === 0) return;
      await ready;
      await sql.unsafe(saveHealthSql, [JSON.stringify(rows)], prepare);
    },

    async clearEndpointHealth(endpointId) {
      await ready;
      await sql.unsafe(`DELETE FROM ${H} WHERE endpoint_id = $1`, [endpointId], prepare);
    },

    subscribe,

    async listen(listener) {
      await ready;
      const { unlisten } = await sql.listen(channel, () => listener());
      return unlisten;
    },
  };
}
