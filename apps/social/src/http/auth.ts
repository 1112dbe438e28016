import { createHash } from 'node:crypto';
import type { SqliteClient } from '@hooklab/db';
import { ApiError, type ServiceEnv } from '@hooklab/service';
import type { MiddlewareHandler } from 'hono';
import type { ClientApp, User } from '../db/schema.ts';

export type AppAuthEnv = ServiceEnv & { Variables: ServiceEnv['Variables'] & { clientApp: ClientApp } };
export type UserAuthEnv = ServiceEnv & { Variables: ServiceEnv['Variables'] & { user: User } };

/** sha256 hex of a token; only this is stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function bearerOf(header: string | undefined, realm: string): string {
  const m = header ? /^Bearer\s+(\S{1,400})\s*$/i.exec(header) : null;
  if (!m) {
    throw new ApiError({
      status: 401,
      code: 'unauthorized',
      message: `Unauthorized: send Authorization: Bearer <${realm} token>`,
      headers: { 'www-authenticate': `Bearer realm="social"` },
    });
  }
  return m[1]!;
}

const invalidToken = () =>
  new ApiError({
    status: 401,
    code: 'invalid_token',
    message: 'Unauthorized: this token is not valid',
    headers: { 'www-authenticate': 'Bearer realm="social", error="invalid_token"' },
  });

/** App-only auth (X's OAuth 2.0 bearer token): rules, webhooks and search belong to the calling app. */
export function requireApp(sqlite: SqliteClient): MiddlewareHandler<AppAuthEnv> {
  const lookup = sqlite.prepare<
    [string],
    { id: string; name: string; consumer_secret: string; created_at: number }
  >('SELECT id, name, consumer_secret, created_at FROM client_apps WHERE bearer_hash = ?');
  return async (c, next) => {
    const row = lookup.get(hashToken(bearerOf(c.req.header('authorization'), 'app bearer')));
    if (!row) throw invalidToken();
    c.set('clientApp', {
      id: row.id,
      name: row.name,
      bearerHash: '',
      consumerSecret: row.consumer_secret,
      createdAt: row.created_at,
    });
    await next();
  };
}

/** User-context auth: posting is done as a user, with that user's token. */
export function requireUser(sqlite: SqliteClient): MiddlewareHandler<UserAuthEnv> {
  const lookup = sqlite.prepare<[string], { id: string; username: string; name: string; created_at: number }>(
    'SELECT id, username, name, created_at FROM users WHERE token_hash = ?',
  );
  return async (c, next) => {
    const row = lookup.get(hashToken(bearerOf(c.req.header('authorization'), 'user')));
    if (!row) throw invalidToken();
    c.set('user', {
      id: row.id,
      username: row.username,
      name: row.name,
      tokenHash: '',
      createdAt: row.created_at,
    });
    await next();
  };
}
