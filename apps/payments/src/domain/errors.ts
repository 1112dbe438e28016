import { ApiError, type ApiErrorOptions } from '@hooklab/service';

export const STRIPE_ERROR_TYPES = [
  'invalid_request_error',
  'card_error',
  'api_error',
  'idempotency_error',
  'permission_error',
  'authentication_error',
] as const;
export type StripeErrorType = (typeof STRIPE_ERROR_TYPES)[number];

export interface StripeErrorInit {
  status: ApiErrorOptions['status'];
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

/**
 * Stripe's errors are part of its API model, so domain rules throw them; http/errors.ts renders them.
 * Throws in Stripe's wire format: `{error:{type, code, message, param, decline_code, payment_intent}}`. */
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
