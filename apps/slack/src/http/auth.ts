import { timingSafeEqual } from 'node:crypto';
import { ApiError, errors } from '@hooklab/service';
import type { MiddlewareHandler } from 'hono';
import { DEV_ADMIN_KEY, type SlackConfig } from '../config.ts';

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The admin API's bearer key; the shipped default key works in dev mode only. */
export function adminAuth(config: SlackConfig): MiddlewareHandler {
  return async (c, next) => {
    if (!config.HOOKLAB_DEV && config.SLACK_ADMIN_KEY === DEV_ADMIN_KEY) {
      throw new ApiError({
        status: 403,
        code: 'admin_key_not_set',
        message: 'Set SLACK_ADMIN_KEY: the default admin key works in dev mode only',
      });
    }
    const m = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    if (!m || !same(m[1]!, config.SLACK_ADMIN_KEY)) {
      throw errors.unauthorized('Send the admin key as Authorization: Bearer <SLACK_ADMIN_KEY>');
    }
    await next();
  };
}
