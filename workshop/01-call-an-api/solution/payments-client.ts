// Exercise 01 (reference): create and confirm a PaymentIntent with plain fetch, and read Stripe's error body.
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

const KINDS: Record<number, Failure['kind']> = {
  401: 'authentication',
  402: 'card_declined',
  404: 'not_found',
};

async function call(api: Api, method: 'GET' | 'POST', path: string, params?: Record<string, string>) {
  const res = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${api.secretKey}`,
      ...(params ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    body: params ? new URLSearchParams(params) : undefined,
  });
  const body = await res.json();
  if (res.ok) return { ok: true, paymentIntent: body } satisfies Result;
  const err = body?.error ?? {};
  return {
    ok: false,
    kind: KINDS[res.status] ?? (res.status < 500 ? 'invalid_request' : 'api_error'),
    status: res.status,
    message: String(err.message ?? res.statusText),
    ...(err.code ? { code: err.code } : {}),
    ...(err.decline_code ? { declineCode: err.decline_code } : {}),
  } satisfies Failure;
}

export function createPaymentIntent(api: Api, input: { amount: number; currency: string }): Promise<Result> {
  return call(api, 'POST', '/v1/payment_intents', {
    amount: String(input.amount),
    currency: input.currency,
  });
}

export function confirmPaymentIntent(api: Api, id: string, paymentMethod: string): Promise<Result> {
  return call(api, 'POST', `/v1/payment_intents/${encodeURIComponent(id)}/confirm`, {
    payment_method: paymentMethod,
  });
}

export function retrievePaymentIntent(api: Api, id: string): Promise<Result> {
  return call(api, 'GET', `/v1/payment_intents/${encodeURIComponent(id)}`);
}
