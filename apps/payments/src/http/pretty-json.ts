import type { MiddlewareHandler } from 'hono';
import type { PaymentsEnv } from './env.ts';

/** Stripe's JSON, two-space indented, as people read and grep it; the stored idempotent replay keeps it. */
export const stringifyPretty = (value: unknown) => JSON.stringify(value, null, 2);

/**
 * Makes `c.json` pretty-print for the routes below it. Swapping the serializer (rather than re-reading the
 * body afterwards, as hono/pretty-json does) keeps the string response on @hono/node-server's fast path.
 */
export function prettyJson(): MiddlewareHandler<PaymentsEnv> {
  return async (c, next) => {
    c.json = ((object: unknown, arg?: number | ResponseInit, headers?: Record<string, string>) => {
      c.header('content-type', 'application/json');
      return c.body(stringifyPretty(object), arg as never, headers as never);
    }) as unknown as typeof c.json;
    await next();
  };
}
