import type { SqliteClient } from '@hooklab/db';
import type { ObjectRow } from '../db/schema.ts';
import { invalid } from './errors.ts';

export type StripeObject = Record<string, unknown> & { id: string; object: string };

export interface ListQuery {
  limit?: number;
  starting_after?: string;
  ending_before?: string;
  tag?: string;
  ref?: string;
  /** Stripe's `created[gt|gte|lt|lte]` (unix seconds). */
  created?: { gt?: number; gte?: number; lt?: number; lte?: number };
  /** Top-level fields of the object that must equal a value (or one of several). */
  where?: Record<string, string | number | boolean | readonly string[]>;
}

const CREATED_OPS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;
const FIELD = /^[a-z_]{1,50}$/;

export interface Page<T> {
  data: T[];
  hasMore: boolean;
}

interface RawRow {
  seq: number;
  id: string;
  account_id: string;
  type: string;
  tag: string | null;
  ref: string | null;
  created: number;
  data: string;
  internal: string;
}

const toRow = (r: RawRow): ObjectRow => ({
  seq: r.seq,
  id: r.id,
  accountId: r.account_id,
  type: r.type,
  tag: r.tag,
  ref: r.ref,
  created: r.created,
  data: JSON.parse(r.data),
  internal: JSON.parse(r.internal),
});

/**
 * Reads and writes API objects (the `objects` table of src/db/schema.ts); every call is scoped to an account.
 * Prepared better-sqlite3 statements rather than drizzle's builder: this is the hot path of every request.
 */
export function createStore(sqlite: SqliteClient) {
  const byId = sqlite.prepare<[string], RawRow>('SELECT * FROM objects WHERE id = ?');
  const insertStmt = sqlite.prepare(
    'INSERT INTO objects (id, account_id, type, tag, ref, created, data, internal) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const updateData = sqlite.prepare('UPDATE objects SET data = ? WHERE id = ?');
  const updateAll = sqlite.prepare(
    'UPDATE objects SET data = ?, tag = coalesce(?, tag), internal = coalesce(?, internal) WHERE id = ?',
  );
  const deleteStmt = sqlite.prepare('DELETE FROM objects WHERE id = ?');
  const byType = sqlite.prepare<[string, string], RawRow>(
    'SELECT * FROM objects WHERE account_id = ? AND type = ? ORDER BY seq',
  );
  const listCache = new Map<string, ReturnType<typeof sqlite.prepare<unknown[], RawRow>>>();
  const listStmt = (sql: string) => {
    let stmt = listCache.get(sql);
    if (!stmt) {
      stmt = sqlite.prepare<unknown[], RawRow>(sql);
      listCache.set(sql, stmt);
    }
    return stmt;
  };

  const store = {
    insert<T extends StripeObject>(
      accountId: string,
      data: T,
      opts: { tag?: string; ref?: string; internal?: Record<string, unknown> } = {},
    ): T {
      insertStmt.run(
        data.id,
        accountId,
        data.object,
        opts.tag ?? null,
        opts.ref ?? null,
        (data.created as number | undefined) ?? Math.floor(Date.now() / 1000),
        JSON.stringify(data),
        JSON.stringify(opts.internal ?? {}),
      );
      return data;
    },

    rowById(id: string): ObjectRow | undefined {
      const r = byId.get(id);
      return r && toRow(r);
    },

    row(accountId: string, id: string, type?: string): ObjectRow | undefined {
      const r = byId.get(id);
      if (!r || r.account_id !== accountId || (type && r.type !== type)) return undefined;
      return toRow(r);
    },

    get<T extends StripeObject>(accountId: string, id: string, type?: string): T | undefined {
      const r = byId.get(id);
      if (!r || r.account_id !== accountId || (type && r.type !== type)) return undefined;
      return JSON.parse(r.data) as T;
    },

    update<T extends StripeObject>(
      data: T,
      opts: { tag?: string; internal?: Record<string, unknown> } = {},
    ): T {
      if (opts.tag === undefined && opts.internal === undefined)
        updateData.run(JSON.stringify(data), data.id);
      else
        updateAll.run(
          JSON.stringify(data),
          opts.tag ?? null,
          opts.internal ? JSON.stringify(opts.internal) : null,
          data.id,
        );
      return data;
    },

    delete(id: string): void {
      deleteStmt.run(id);
    },

    /** Newest first; `starting_after`/`ending_before` are object ids of the same list. */
    list<T extends StripeObject>(accountId: string, type: string, q: ListQuery, kind = type): Page<T> {
      const limit = q.limit ?? 10;
      if (q.starting_after && q.ending_before) {
        throw invalid(
          'You may only specify one of these parameters: ending_before, starting_after.',
          'ending_before',
        );
      }
      const where = ['account_id = ?', 'type = ?'];
      const args: unknown[] = [accountId, type];
      if (q.tag !== undefined) {
        where.push('tag = ?');
        args.push(q.tag);
      }
      if (q.ref !== undefined) {
        where.push('ref = ?');
        args.push(q.ref);
      }
      for (const [op, sql] of Object.entries(CREATED_OPS)) {
        const bound = q.created?.[op as keyof typeof CREATED_OPS];
        if (bound === undefined) continue;
        where.push(`created ${sql} ?`);
        args.push(bound);
      }
      for (const [field, value] of Object.entries(q.where ?? {})) {
        if (!FIELD.test(field)) throw new Error(`not a filterable field: ${field}`);
        const values = Array.isArray(value) ? value : [value];
        if (values.length === 0) return { data: [], hasMore: false };
        // JSON booleans come out of json_extract as 1 and 0.
        where.push(`json_extract(data, '$.${field}') IN (${values.map(() => '?').join(', ')})`);
        args.push(...values.map((v) => (typeof v === 'boolean' ? Number(v) : v)));
      }
      const cursor = q.ending_before ?? q.starting_after;
      if (cursor) {
        const row = store.row(accountId, cursor, type);
        if (!row)
          throw invalid(
            `No such ${kind}: '${cursor}'`,
            q.ending_before ? 'ending_before' : 'starting_after',
            'resource_missing',
          );
        where.push(q.ending_before ? 'seq > ?' : 'seq < ?');
        args.push(row.seq);
      }
      const order = q.ending_before ? 'ASC' : 'DESC';
      const rows = listStmt(
        `SELECT * FROM objects WHERE ${where.join(' AND ')} ORDER BY seq ${order} LIMIT ?`,
      ).all(...args, limit + 1);
      const data = rows.slice(0, limit).map((r) => JSON.parse(r.data) as T);
      return { data: q.ending_before ? data.reverse() : data, hasMore: rows.length > limit };
    },

    /** Rows of one type across the account, for internal scans (few rows: webhook endpoints). */
    rows(accountId: string, type: string): ObjectRow[] {
      return byType.all(accountId, type).map(toRow);
    },
  };
  return store;
}

export type Store = ReturnType<typeof createStore>;

/** The wire shape of a list. */
export function listObject<T>(url: string, page: Page<T>) {
  return { object: 'list' as const, url, has_more: page.hasMore, data: page.data };
}
