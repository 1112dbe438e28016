// Exercise 01: create and confirm a PaymentIntent with plain fetch, and read Stripe's error body.
// Run `pnpm workshop test 01`; the first failing check tells you what to do next.
import { todo } from '../../kit/check.ts';

export interface Api {
  baseUrl: string;
  secretKey: string;
}

export interface PaymentIntent {
  id: string;
  status: string;
  amount: number;
  currency: string;
}

export type Failure = {
  ok: false;
  /** 401 → authentication, 402 → card_declined, 404 → not_found, any other 4xx → invalid_request. */
  kind: 'authentication' | 'card_declined' | 'not_found' | 'invalid_request' | 'api_error';
  status: number;
  message: string;
  code?: string;
  declineCode?: string;
};

export type Result = { ok: true; paymentIntent: PaymentIntent } | Failure;

export async function createPaymentIntent(
  api: Api,
  input: { amount: number; currency: string },
): Promise<Result> {
  const res = await fetch(`${api.baseUrl}/v1/payment_intents`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${api.secretKey}`,
      // Stripe's API takes form-encoded parameters, not JSON.
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ amount: String(input.amount), currency: input.currency }),
  });
  // TODO: this trusts every answer. Look at res.status: a 4xx carries {error: {type, code, message, …}}.
  return { ok: true, paymentIntent: await res.json() };
}

export async function confirmPaymentIntent(api: Api, id: string, paymentMethod: string): Promise<Result> {
  void api;
  // TODO: POST /v1/payment_intents/:id/confirm with payment_method=…; a declined card answers 402.
  return todo(`confirmPaymentIntent(${id}, ${paymentMethod}) with fetch`);
}

export async function retrievePaymentIntent(api: Api, id: string): Promise<Result> {
  void api;
  // TODO: GET /v1/payment_intents/:id; an id that does not exist answers 404.
  return todo(`retrievePaymentIntent(${id}) with fetch`);
}
