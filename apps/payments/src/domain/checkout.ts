import { newId, randomBase62 } from '@hooklab/service';
import type { PaymentsContext } from '../context.ts';
import { emitEvent } from '../webhooks/out/events.ts';
import { BACKGROUND, nowSec, type RequestMeta, tx } from './base.ts';
import { invalid, missing, stripeError } from './errors.ts';
import {
  cancelLoaded,
  checkAmount,
  confirmPaymentIntent,
  createPaymentIntent,
  type PaymentIntent,
} from './payment-intents.ts';
import { loadPriceParam, loadProductParam, PRODUCT_TYPE, type Price, type Product } from './products.ts';
import type { StripeObject } from './store.ts';
import { checkCardDetails, luhnValid, TEST_CARDS } from './test-methods.ts';

export const SESSION_TYPE = 'checkout.session';

/** A line item names a stored Price (`price`) or describes one inline (`price_data`), as Stripe takes it. */
export interface LineItemInput {
  quantity: number;
  price?: string;
  price_data?: {
    currency: string;
    unit_amount: number;
    product?: string;
    product_data?: { name: string; description?: string; metadata?: Record<string, string> };
  };
}

interface ResolvedItem {
  quantity: number;
  price: Price;
  description: string;
}

export interface CreateSessionParams {
  mode: 'payment';
  line_items: LineItemInput[];
  success_url?: string;
  cancel_url?: string;
  metadata?: Record<string, string>;
  client_reference_id?: string;
  customer_email?: string;
  expires_at?: number;
  payment_method_types?: string[];
  payment_intent_data?: {
    metadata?: Record<string, string>;
    description?: string;
    capture_method?: 'automatic' | 'automatic_async' | 'manual';
  };
}

export interface CheckoutSession extends StripeObject {
  object: 'checkout.session';
  status: 'open' | 'complete' | 'expired';
  payment_status: 'paid' | 'unpaid';
  payment_intent: string;
  success_url: string | null;
  cancel_url: string | null;
  url: string | null;
  amount_total: number;
  currency: string;
  expires_at: number;
}

export function loadSession(d: PaymentsContext, accountId: string, id: string): CheckoutSession {
  const s = d.store.get<CheckoutSession>(accountId, id, SESSION_TYPE);
  if (!s) throw missing('checkout.session', id, 'session');
  return s;
}

/** Creates an open session, its PaymentIntent, and the job that expires it. */
export function createCheckoutSession(
  d: PaymentsContext,
  accountId: string,
  req: RequestMeta,
  p: CreateSessionParams,
): CheckoutSession {
  if (p.line_items.length === 0)
    throw invalid('You must provide at least one line item.', 'line_items', 'parameter_missing');
  const items = p.line_items.map((li, i) => resolveLineItem(d, accountId, li, i));
  const currency = items[0]!.price.currency;
  items.forEach((item, i) => {
    if (item.price.currency !== currency)
      throw invalid(
        'All line items must use the same currency.',
        p.line_items[i]!.price ? `line_items[${i}][price]` : `line_items[${i}][price_data][currency]`,
      );
  });
  const total = items.reduce((sum, item) => sum + item.price.unit_amount * item.quantity, 0);
  checkAmount(total, currency, 'line_items');
  const now = nowSec(d);
  const expiresAt = p.expires_at ?? now + d.config.PAYMENTS_CHECKOUT_EXPIRES_SECONDS;
  if (expiresAt < now + 30 * 60 && p.expires_at !== undefined)
    throw invalid(
      'The `expires_at` timestamp must be at least 30 minutes from session creation.',
      'expires_at',
    );
  if (expiresAt > now + 24 * 3600 && p.expires_at !== undefined)
    throw invalid(
      'The `expires_at` timestamp must be less than 24 hours from session creation.',
      'expires_at',
    );
  const id = `cs_test_${randomBase62(58)}`;
  return tx(d, () => {
    const pi = createPaymentIntent(
      d,
      accountId,
      req,
      {
        amount: total,
        currency,
        metadata: p.payment_intent_data?.metadata ?? {},
        description: p.payment_intent_data?.description,
        capture_method: p.payment_intent_data?.capture_method,
        payment_method_types: p.payment_method_types ?? ['card'],
        receipt_email: p.customer_email,
      },
      { checkoutSessionId: id },
    );
    const lineItems = items.map((item) => ({
      id: `li_${randomBase62(24)}`,
      object: 'item',
      amount_discount: 0,
      amount_subtotal: item.price.unit_amount * item.quantity,
      amount_tax: 0,
      amount_total: item.price.unit_amount * item.quantity,
      currency,
      description: item.description,
      price: item.price,
      quantity: item.quantity,
    }));
    const session: CheckoutSession = {
      id,
      object: 'checkout.session',
      amount_subtotal: total,
      amount_total: total,
      cancel_url: p.cancel_url ?? null,
      client_reference_id: p.client_reference_id ?? null,
      client_secret: null,
      created: now,
      currency,
      customer: null,
      customer_details: p.customer_email ? { email: p.customer_email } : null,
      customer_email: p.customer_email ?? null,
      expires_at: expiresAt,
      livemode: false,
      metadata: p.metadata ?? {},
      mode: 'payment',
      payment_intent: pi.id,
      payment_method_types: p.payment_method_types ?? ['card'],
      payment_status: 'unpaid',
      status: 'open',
      success_url: p.success_url ?? null,
      ui_mode: 'hosted',
      url: `${d.publicUrl()}/pay/${id}`,
    };
    d.store.insert(accountId, session, { tag: 'open', ref: pi.id, internal: { lineItems } });
    d.jobs.schedule({ scope: accountId, kind: 'checkout.expire', subjectId: id, runAt: expiresAt * 1000 });
    return session;
  });
}

/** A line item's price: the stored Price it names, or an inline one built from `price_data`. */
function resolveLineItem(d: PaymentsContext, accountId: string, li: LineItemInput, i: number): ResolvedItem {
  const at = `line_items[${i}]`;
  if (li.price && li.price_data)
    throw invalid(
      `You may only specify one of these parameters: ${at}[price], ${at}[price_data].`,
      `${at}[price]`,
    );
  if (li.price) {
    const price = loadPriceParam(d, accountId, li.price, `${at}[price]`);
    if (!price.active)
      throw invalid(`The price \`${price.id}\` is not active.`, `${at}[price]`, 'parameter_invalid');
    if (price.type === 'recurring')
      throw invalid(
        'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
        `${at}[price]`,
        'parameter_invalid',
      );
    const product = d.store.get<Product>(accountId, price.product, PRODUCT_TYPE);
    return { quantity: li.quantity, price, description: product?.name ?? price.nickname ?? price.id };
  }
  const data = li.price_data;
  if (!data)
    throw invalid(
      `You must specify either \`price\` or \`price_data\` in ${at}.`,
      `${at}[price]`,
      'parameter_missing',
    );
  if (Boolean(data.product) === Boolean(data.product_data))
    throw invalid(
      `You must specify exactly one of \`product\` or \`product_data\` in ${at}[price_data].`,
      `${at}[price_data][product_data]`,
      'parameter_missing',
    );
  const product = data.product
    ? loadProductParam(d, accountId, data.product, `${at}[price_data][product]`)
    : undefined;
  // Stripe makes an inactive, one-off price (and product) for inline price_data.
  const price: Price = {
    id: newId('price'),
    object: 'price',
    active: false,
    billing_scheme: 'per_unit',
    created: nowSec(d),
    currency: data.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: null,
    product: product?.id ?? newId('prod'),
    recurring: null,
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: 'one_time',
    unit_amount: data.unit_amount,
    unit_amount_decimal: String(data.unit_amount),
  };
  return { quantity: li.quantity, price, description: product?.name ?? data.product_data!.name };
}

/** Expires an open session (API call or its expiry job); its PaymentIntent is canceled. */
export function expireCheckoutSession(
  d: PaymentsContext,
  accountId: string,
  req: RequestMeta,
  id: string,
  fromJob = false,
): CheckoutSession {
  return tx(d, () => {
    const s = loadSession(d, accountId, id);
    if (s.status !== 'open') {
      if (fromJob) return s;
      throw invalid(
        `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${s.status}".`,
        undefined,
        'checkout_session_unexpected_state',
      );
    }
    const pi = d.store.get<PaymentIntent>(accountId, s.payment_intent, 'payment_intent');
    if (pi && pi.status !== 'canceled' && pi.status !== 'succeeded' && pi.status !== 'processing')
      cancelLoaded(d, accountId, req, pi, 'abandoned');
    const next: CheckoutSession = { ...s, status: 'expired', url: null };
    d.store.update(next, { tag: 'expired' });
    emitEvent(d, accountId, 'checkout.session.expired', next, { request: req });
    return next;
  });
}

/** Called on every PaymentIntent change: the session it belongs to (if any) follows it. */
export function onPaymentIntentChanged(
  d: PaymentsContext,
  accountId: string,
  req: RequestMeta,
  pi: PaymentIntent,
): void {
  const sessionId = d.store.rowById(pi.id)?.internal.checkoutSessionId as string | undefined;
  if (!sessionId) return;
  const s = d.store.get<CheckoutSession>(accountId, sessionId, SESSION_TYPE);
  if (!s) return;
  if (
    s.status === 'open' &&
    (pi.status === 'succeeded' || pi.status === 'requires_capture' || pi.status === 'processing')
  ) {
    const paid = pi.status !== 'processing';
    const next: CheckoutSession = {
      ...s,
      status: 'complete',
      payment_status: paid ? 'paid' : 'unpaid',
      url: null,
    };
    d.store.update(next, { tag: 'complete' });
    emitEvent(d, accountId, 'checkout.session.completed', next, { request: req });
  } else if (s.status === 'complete' && s.payment_status === 'unpaid' && pi.status === 'succeeded') {
    const next: CheckoutSession = { ...s, payment_status: 'paid' };
    d.store.update(next);
    emitEvent(d, accountId, 'checkout.session.async_payment_succeeded', next, { request: req });
  } else if (
    s.status === 'complete' &&
    s.payment_status === 'unpaid' &&
    pi.status === 'requires_payment_method'
  ) {
    emitEvent(d, accountId, 'checkout.session.async_payment_failed', s, { request: req });
  }
}

/** `{CHECKOUT_SESSION_ID}` in a success URL becomes the session id (Stripe's template variable). */
export function successUrlOf(s: CheckoutSession): string | null {
  return s.success_url ? s.success_url.replaceAll('{CHECKOUT_SESSION_ID}', s.id) : null;
}

export type PayResult =
  | { kind: 'redirect'; url: string }
  | { kind: 'declined'; message: string; code: string; declineCode?: string }
  | { kind: 'closed'; session: CheckoutSession };

/** The hosted page's form post: pays the session with a test card number or test method. */
export function payCheckoutSession(
  d: PaymentsContext,
  sessionId: string,
  input: { cardNumber?: string; expiry?: string; cvc?: string; paymentMethod?: string; email?: string },
): PayResult {
  const row = d.store.rowById(sessionId);
  if (!row || row.type !== SESSION_TYPE) throw missing('checkout.session', sessionId, 'session');
  const accountId = row.accountId;
  const session = row.data as CheckoutSession;
  if (session.status !== 'open') return { kind: 'closed', session };
  let method = input.paymentMethod;
  if (!method) {
    const digits = (input.cardNumber ?? '').replace(/[\s-]/g, '');
    if (!/^\d{12,19}$/.test(digits) || !luhnValid(digits))
      return { kind: 'declined', code: 'incorrect_number', message: 'Your card number is incorrect.' };
    const fieldError = checkCardDetails(digits, input.expiry, input.cvc, d.clock.now());
    if (fieldError) return { kind: 'declined', ...fieldError };
    const known = TEST_CARDS[digits];
    if (!known)
      return {
        kind: 'declined',
        code: 'card_declined',
        declineCode: 'test_mode_live_card',
        message: 'Your card was declined. Your request was in test mode, but used a non test (live) card.',
      };
    method = known.method;
  }
  if (input.email && !session.customer_email) {
    d.store.update({ ...session, customer_details: { email: input.email } });
  }
  try {
    const pi = confirmPaymentIntent(d, accountId, BACKGROUND, session.payment_intent, {
      payment_method: method,
    });
    if (pi.status === 'requires_action') {
      const next = pi.next_action as { redirect_to_url: { url: string } };
      return { kind: 'redirect', url: next.redirect_to_url.url };
    }
    const done = loadSession(d, accountId, sessionId);
    return { kind: 'redirect', url: successUrlOf(done) ?? `${d.publicUrl()}/pay/${sessionId}` };
  } catch (err) {
    const e = err as { status?: number; extra?: Record<string, unknown>; message: string };
    if (e.status === 402)
      return {
        kind: 'declined',
        code: String(e.extra?.code),
        declineCode: e.extra?.decline_code as string | undefined,
        message: e.message,
      };
    if (e.status === 404)
      throw stripeError({
        status: 400,
        type: 'invalid_request_error',
        message: `Unknown test payment method: ${method}`,
        param: 'payment_method',
      });
    throw err;
  }
}
