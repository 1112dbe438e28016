import type { ErrorRenderer } from '@hooklab/service';
import type { StripeErrorType } from '../domain/errors.ts';
import { stringifyPretty } from './pretty-json.ts';

const TYPE_BY_STATUS: Partial<Record<number, StripeErrorType>> = {
  401: 'invalid_request_error',
  402: 'card_error',
  403: 'permission_error',
  409: 'idempotency_error',
};

/** The app's one error renderer: every error, 404s and 500s included, as Stripe-shaped JSON. */
export const renderStripeError: ErrorRenderer = (c, e) => {
  const extra = e.extra as Partial<
    Record<'type' | 'code' | 'decline_code' | 'payment_intent' | 'charge', unknown>
  >;
  const type =
    (extra.type as string | undefined) ??
    (e.status >= 500 ? 'api_error' : (TYPE_BY_STATUS[e.status] ?? 'invalid_request_error'));
  const noRoute = e.status === 404 && e.code === 'not_found' && !extra.type;
  const code = extra.type
    ? extra.code
    : e.status === 413
      ? 'request_too_large'
      : e.internal || noRoute
        ? undefined
        : e.code;
  const message = noRoute
    ? // Stripe's wording, minus its support desk: this is Hooklab's stand-in, and Stripe cannot help with it.
      `Unrecognized request URL (${c.req.method}: ${c.req.path}). Hooklab payments serves a part of Stripe's API; see apps/payments/README.md for the routes it has.`
    : e.message;
  const error: Record<string, unknown> = { type, message };
  if (code) error.code = code;
  if (e.param) error.param = e.param;
  if (extra.decline_code) error.decline_code = extra.decline_code;
  if (extra.charge) error.charge = extra.charge;
  if (extra.payment_intent) error.payment_intent = extra.payment_intent;
  if (code) error.doc_url = `https://stripe.com/docs/error-codes/${String(code).replaceAll('_', '-')}`;
  const headers: Record<string, string> = { 'content-type': 'application/json', ...e.headers };
  if (e.status >= 500) headers['stripe-should-retry'] = 'false';
  return new Response(stringifyPretty({ error }), { status: e.status, headers });
};
