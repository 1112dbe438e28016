import { createHash } from 'node:crypto';
import type { SqliteClient } from '@hooklab/db';
import { peekStringBody } from '@hooklab/service';
import type { Clock } from '@hooklab/webhooks';
import type { MiddlewareHandler } from 'hono';
import { invalid, stripeError } from '../domain/errors.ts';
import type { PaymentsEnv } from './env.ts';

const ABANDONED_MS = 60_000;

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Results Stripe keeps for a key: requests that ran (success or a card decline), not rejected ones. */
const storable = (status: number) => (status >= 200 && status < 300) || status === 402;

/**
 * Stripe idempotency for POSTs: the first response is stored per (account, key) and replayed for the TTL;
 * the same key with other parameters is a 400 `idempotency_error`, and one still running is a 409.
 */
export function idempotency(opts: {
  sqlite: SqliteClient;
  clock: Clock;
  ttlMs: number;
  beforeHandler?: (key: string) => Promise<void>;
}): MiddlewareHandler<PaymentsEnv> {
  const { sqlite, clock } = opts;
  // Table `idempotency_keys` of src/db/schema.ts; prepared once, as every SDK POST carries a key.
  const select = sqlite.prepare<
    [string, string],
    { fingerprint: string; state: string; status: number | null; body: string | null; created_at: number }
  >(
    'SELECT fingerprint, state, status, body, created_at FROM idempotency_keys WHERE account_id = ? AND key = ?',
  );
  const insert = sqlite.prepare(
    "INSERT INTO idempotency_keys (account_id, key, fingerprint, state, created_at) VALUES (?, ?, ?, 'running', ?)",
  );
  const finish = sqlite.prepare(
    "UPDATE idempotency_keys SET state = 'done', status = ?, body = ? WHERE account_id = ? AND key = ?",
  );
  const remove = sqlite.prepare('DELETE FROM idempotency_keys WHERE account_id = ? AND key = ?');
  const sweep = sqlite.prepare('DELETE FROM idempotency_keys WHERE created_at < ?');
  let sinceSweep = 0;
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (c.req.method !== 'POST' || key === undefined) return next();
    if (key.length === 0 || key.length > 255)
      throw invalid(
        'Idempotency-Key must be 1 to 255 characters long.',
        undefined,
        'idempotency_key_invalid',
      );
    const accountId = c.get('apiKey').accountId;
    const fingerprint = createHash('sha256')
      .update(`${c.req.method} ${c.req.path} ${canonical(c.get('params'))}`)
      .digest('base64url');
    const now = clock.now();
    if (++sinceSweep >= 1000) {
      sinceSweep = 0;
      sweep.run(now - opts.ttlMs);
    }
    const row = select.get(accountId, key);
    const stale =
      row &&
      (row.created_at < now - opts.ttlMs || (row.state === 'running' && row.created_at < now - ABANDONED_MS));
    if (row && !stale) {
      if (row.fingerprint !== fingerprint) {
        throw stripeError({
          status: 400,
          type: 'idempotency_error',
          code: 'idempotency_key_in_use',
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        });
      }
      if (row.state === 'running') {
        throw stripeError({
          status: 409,
          type: 'idempotency_error',
          code: 'idempotency_key_in_use',
          message: `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
        });
      }
      return new Response(row.body, {
        status: row.status ?? 200,
        headers: {
          'content-type': 'application/json',
          'idempotent-replayed': 'true',
          'original-request': c.get('requestId'),
        },
      });
    }
    if (stale) remove.run(accountId, key);
    insert.run(accountId, key, fingerprint, now);
    let kept = false;
    try {
      await opts.beforeHandler?.(key);
      await next();
      if (storable(c.res.status)) {
        const body = peekStringBody(c.res) ?? (await c.res.clone().text());
        finish.run(c.res.status, body, accountId, key);
        kept = true;
      }
    } finally {
      if (!kept) remove.run(accountId, key);
    }
  };
}
