import { createHash } from 'node:crypto';
import type { SqliteClient } from '@hooklab/db';
import { ApiError, errors } from '@hooklab/service';

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Reads and checks the `Idempotency-Key` header: printable ASCII, 1–255 characters. */
export function idempotencyKeyOf(header: string | undefined): string | null {
  if (header === undefined) return null;
  if (!/^[\x21-\x7e]{1,255}$/.test(header)) {
    throw errors.badRequest(
      'Idempotency-Key must be 1–255 printable ASCII characters',
      'Idempotency-Key',
      'invalid_idempotency_key',
    );
  }
  return header;
}

export interface IdempotencyStore {
  /** Inside a transaction: the resource id a previous request with this key created, or null. Throws 422 on a different request. */
  find(merchantId: string, key: string, route: string, body: unknown): string | null;
  record(
    merchantId: string,
    key: string,
    route: string,
    body: unknown,
    resourceId: string,
    now: number,
  ): void;
}

/** Stripe-style idempotency keys, scoped per merchant: same key and request → the same resource. */
export function createIdempotencyStore(sqlite: SqliteClient): IdempotencyStore {
  const select = sqlite.prepare<
    [string, string],
    { route: string; request_hash: string; resource_id: string }
  >('SELECT route, request_hash, resource_id FROM idempotency_keys WHERE merchant_id = ? AND key = ?');
  const insert = sqlite.prepare(
    'INSERT INTO idempotency_keys (merchant_id, key, route, request_hash, resource_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const hash = (route: string, body: unknown) =>
    createHash('sha256')
      .update(`${route}\n${canonical(body)}`)
      .digest('hex');
  return {
    find(merchantId, key, route, body) {
      const row = select.get(merchantId, key);
      if (!row) return null;
      if (row.route !== route || row.request_hash !== hash(route, body)) {
        throw new ApiError({
          status: 422,
          code: 'idempotency_key_reused',
          message: 'This Idempotency-Key was already used with a different request',
          param: 'Idempotency-Key',
        });
      }
      return row.resource_id;
    },
    record(merchantId, key, route, body, resourceId, now) {
      insert.run(merchantId, key, route, hash(route, body), resourceId, now);
    },
  };
}
