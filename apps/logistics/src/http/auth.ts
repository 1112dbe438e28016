import { createHash } from 'node:crypto';
import type { SqliteClient } from '@hooklab/db';
import { ApiError, type ServiceEnv } from '@hooklab/service';
import type { MiddlewareHandler } from 'hono';
import type { Merchant } from '../db/schema.ts';

export type AuthEnv = ServiceEnv & {
  Variables: ServiceEnv['Variables'] & { merchant: Merchant; scope: 'read' | 'write' };
};

/** sha256 hex of an API key; only this is stored. */
export function hashApiKey(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Bearer API keys: none → 401, unknown → 401, a read-only key on a write → 403 (S01). */
export function requireApiKey(sqlite: SqliteClient): MiddlewareHandler<AuthEnv> {
  const lookup = sqlite.prepare<[string], { scope: 'read' | 'write'; merchant: string }>(
    `SELECT k.scope AS scope, json_object('id', m.id, 'name', m.name, 'inboundSecret', m.inbound_secret,
        'callbackSecret', m.callback_secret, 'callbackUrl', m.callback_url, 'createdAt', m.created_at) AS merchant
       FROM api_keys k JOIN merchants m ON m.id = k.merchant_id WHERE k.token_hash = ?`,
  );
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (!header) {
      throw new ApiError({
        status: 401,
        code: 'unauthorized',
        message: 'Send your API key as Authorization: Bearer lg_…',
        headers: { 'www-authenticate': 'Bearer realm="logistics"' },
      });
    }
    const m = /^Bearer\s+(\S{1,200})\s*$/i.exec(header);
    const row = m ? lookup.get(hashApiKey(m[1]!)) : undefined;
    if (!row) {
      throw new ApiError({
        status: 401,
        code: 'invalid_api_key',
        message: 'This API key is not valid',
        headers: { 'www-authenticate': 'Bearer realm="logistics", error="invalid_token"' },
      });
    }
    if (row.scope !== 'write' && !READ_METHODS.has(c.req.method)) {
      throw new ApiError({ status: 403, code: 'insufficient_scope', message: 'This API key is read-only' });
    }
    c.set('merchant', JSON.parse(row.merchant) as Merchant);
    c.set('scope', row.scope);
    await next();
  };
}
