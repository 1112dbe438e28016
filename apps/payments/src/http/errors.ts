import { ApiError, type ErrorRenderer } from '@hooklab/service';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { stringifyPretty } from './pretty-json.ts';

export type StripeErrorType =
  | 'invalid_request_error'
  | 'card_error'
  | 'api_error'
  | 'idempotency_error'
  | 'permission_error'
  | 'authentication_error';

export interface StripeErrorInit {
  status: ContentfulStatusCode;
  type: StripeErrorType;
  message: string;
  code?: string;
  param?: string;
  declineCode?: string;
  /** The PaymentIntent object a card error is about (Stripe puts the whole object in the error). */
  paymentIntent?: unknown;
  charge?: string;
  headers?: Record<string, string>;
}

/** Throws in Stripe's wire format: `{error:{type, code, message, param, decline_code, payment_intent}}`. */
export function stripeError(init: StripeErrorInit): ApiError {
  return new ApiError({
    status: init.status,
    code: init.code ?? init.type,
    message: init.message,
    param: init.param,
    headers: init.headers,
    extra: {
      type: init.type,
      code: init.code,
      decline_code: init.declineCode,
      payment_intent: init.paymentIntent,
      charge: init.charge,
    },
  });
}

export const invalid = (message: string, param?: string, code?: string) =>
  stripeError({ status: 400, type: 'invalid_request_error', message, param, code });

export const missing = (kind: string, id: string, param = 'id') =>
  stripeError({
    status: 404,
    type: 'invalid_request_error',
    code: 'resource_missing',
    message: `No such ${kind}: '${id}'`,
    param,
  });

export const unexpectedState = (kind: string, message: string) =>
  stripeError({ status: 400, type: 'invalid_request_error', code: `${kind}_unexpected_state`, message });

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
