import type { MiddlewareHandler } from 'hono';
import { invalid } from '../domain/errors.ts';
import type { PaymentsEnv } from './env.ts';
import { decodeForm, FormDecodeError } from './form.ts';

const FORM = 'application/x-www-form-urlencoded';

/**
 * Reads Stripe parameters: a form body for POST, the query string otherwise. Anything else is a 400.
 * The body's size is the kit's bodyLimit's business, mounted before this.
 */
export function readParams(): MiddlewareHandler<PaymentsEnv> {
  return async (c, next) => {
    let text: string;
    if (c.req.method === 'POST') {
      const declared = Number(c.req.header('content-length') ?? 0);
      const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      // Read through Hono's cache (the recorder shares it). On the wire, no length and no chunking means no
      // body (HTTP/1.1 §6.3: the SDK's bodiless POSTs); without a socket (app.request in tests) it is read.
      const onTheWire = (c.env as { incoming?: unknown } | undefined)?.incoming !== undefined;
      const chunked = /chunked/i.test(c.req.header('transfer-encoding') ?? '');
      const length = c.req.header('content-length');
      const bodiless = !chunked && (length !== undefined ? declared === 0 : onTheWire);
      const raw = bodiless ? '' : await c.req.text();
      if (raw.length > 0 && type !== FORM) {
        throw invalid(
          `Invalid request: the body must be form-encoded (Content-Type: ${FORM}), the way Stripe's API takes it${type ? `, not ${type}` : ''}.`,
          undefined,
          'invalid_content_type',
        );
      }
      text = raw;
    } else {
      const url = c.req.url;
      const q = url.indexOf('?');
      text = q === -1 ? '' : url.slice(q + 1);
    }
    try {
      c.set('params', decodeForm(text));
    } catch (err) {
      if (err instanceof FormDecodeError) throw invalid(err.message, err.param, 'parameter_invalid');
      throw err;
    }
    c.set('meta', { id: c.get('requestId'), idempotencyKey: c.req.header('idempotency-key') ?? null });
    await next();
  };
}
