import type { MiddlewareHandler } from 'hono';
import type { PaymentsConfig } from '../config.ts';
import { stripeError } from '../domain/errors.ts';
import type { PaymentsEnv } from './env.ts';

export type KeyKind = 'secret' | 'restricted' | 'publishable';

export interface ApiKey {
  key: string;
  accountId: string;
  kind: KeyKind;
}

export const DEV_ACCOUNT = 'acct_hooklab';
export const OTHER_ACCOUNT = 'acct_other';

/** The seeded dev keys: `acct_hooklab` (secret, read-only restricted, publishable) and a second account. */
export function keyringOf(config: PaymentsConfig): Map<string, ApiKey> {
  const keys: ApiKey[] = [
    { key: config.PAYMENTS_SECRET_KEY, accountId: DEV_ACCOUNT, kind: 'secret' },
    { key: config.PAYMENTS_RESTRICTED_KEY, accountId: DEV_ACCOUNT, kind: 'restricted' },
    { key: config.PAYMENTS_PUBLISHABLE_KEY, accountId: DEV_ACCOUNT, kind: 'publishable' },
    { key: config.PAYMENTS_OTHER_SECRET_KEY, accountId: OTHER_ACCOUNT, kind: 'secret' },
  ];
  return new Map(keys.map((k) => [k.key, k]));
}

const NO_KEY =
  "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').";

/** `sk_test_1234abcd…` → `sk_test_****abcd`, the way Stripe echoes a key back. */
export function maskKey(key: string): string {
  const prefix = key.match(/^[a-z]{2}_(test|live)_/)?.[0] ?? '';
  return `${prefix}****${key.slice(-4)}`;
}

function keyFromHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value = ''] = header.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'bearer') return value;
  if (scheme?.toLowerCase() === 'basic') {
    // Basic auth: the key is the user name and the password is empty (`curl -u sk_test_…:`).
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.split(':')[0];
  }
  return undefined;
}

/** Bearer or Basic auth with the seeded keys; a restricted key may read, a publishable key almost nothing. */
export function authenticate(keyring: Map<string, ApiKey>): MiddlewareHandler<PaymentsEnv> {
  return async (c, next) => {
    const key = keyFromHeader(c.req.header('authorization'));
    if (!key)
      throw stripeError({
        status: 401,
        type: 'invalid_request_error',
        code: 'api_key_missing',
        message: NO_KEY,
      });
    const found = keyring.get(key);
    if (!found) {
      throw stripeError({
        status: 401,
        type: 'invalid_request_error',
        code: 'api_key_invalid',
        message: `Invalid API Key provided: ${maskKey(key)}`,
      });
    }
    const write = c.req.method !== 'GET' && c.req.method !== 'HEAD';
    if (found.kind === 'restricted' && write) {
      throw stripeError({
        status: 403,
        type: 'permission_error',
        code: 'insufficient_permissions',
        message: `The provided key '${maskKey(key)}' does not have the required permissions for this endpoint on account '${found.accountId}'. This restricted key is read-only.`,
      });
    }
    if (
      found.kind === 'publishable' &&
      !(c.req.method === 'GET' && /^\/v1\/payment_intents\/[^/]+$/.test(c.req.path))
    ) {
      throw stripeError({
        status: 403,
        type: 'permission_error',
        code: 'secret_key_required',
        message: 'This API call cannot be made with a publishable API key. Please use a secret API key.',
      });
    }
    c.set('apiKey', found);
    await next();
  };
}
