import { newId, randomBase62 } from '@hooklab/service';
import type { PaymentsContext } from '../context.ts';
import { emitEvent } from '../webhooks/out/events.ts';
import { BACKGROUND, nowSec, type RequestMeta, tx } from './base.ts';
import { onPaymentIntentChanged } from './checkout.ts';
import { formatAmount, MAX_AMOUNT } from './currencies.ts';
import { invalid, missing, stripeError, unexpectedState } from './errors.ts';
import type { StripeObject } from './store.ts';
import { type Outcome, TEST_METHODS, type TestMethod } from './test-methods.ts';

export type PaymentIntentStatus =
  | 'requires_payment_method'
  | 'requires_confirmation'
  | 'requires_action'
  | 'processing'
  | 'requires_capture'
  | 'canceled'
  | 'succeeded';

export interface PaymentIntent extends StripeObject {
  object: 'payment_intent';
  amount: number;
  amount_capturable: number;
  amount_received: number;
  currency: string;
  status: PaymentIntentStatus;
  capture_method: 'automatic' | 'automatic_async' | 'manual';
  client_secret: string;
  created: number;
  description: string | null;
  last_payment_error: Record<string, unknown> | null;
  latest_charge: string | null;
  metadata: Record<string, string>;
  next_action: Record<string, unknown> | null;
  payment_method: string | null;
  payment_method_types: string[];
  canceled_at: number | null;
  cancellation_reason: string | null;
  receipt_email: string | null;
}

export interface Charge extends StripeObject {
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  captured: boolean;
  currency: string;
  status: 'succeeded' | 'pending' | 'failed';
  paid: boolean;
  refunded: boolean;
  payment_intent: string;
  payment_method: string;
}

export const PI_TYPE = 'payment_intent';
const MIN_AMOUNT = 50;

export interface CreateParams {
  amount: number;
  currency: string;
  confirm?: boolean;
  payment_method?: string;
  capture_method?: PaymentIntent['capture_method'];
  metadata?: Record<string, string>;
  description?: string;
  receipt_email?: string;
  payment_method_types?: string[];
  return_url?: string;
  /** The customer is not in the checkout flow: a card that asks for authentication is declined. */
  off_session?: boolean;
}

export interface UpdateParams {
  amount?: number;
  currency?: string;
  payment_method?: string;
  capture_method?: PaymentIntent['capture_method'];
  metadata?: Record<string, string>;
  description?: string;
  receipt_email?: string;
}

export interface ConfirmParams {
  payment_method?: string;
  return_url?: string;
  receipt_email?: string;
  off_session?: boolean;
}

/** Stripe's bounds: at least 50 of the smallest unit, at most eight digits. */
export function checkAmount(amount: number, currency: string, param = 'amount') {
  if (amount < MIN_AMOUNT)
    throw invalid(
      `Amount must be at least ${formatAmount(MIN_AMOUNT, currency)} ${currency}`,
      param,
      'amount_too_small',
    );
  if (amount > MAX_AMOUNT)
    throw invalid(
      `Amount must be no more than ${formatAmount(MAX_AMOUNT, currency)}`,
      param,
      'amount_too_large',
    );
}

function methodOf(pm: string, param = 'payment_method'): TestMethod {
  const method = TEST_METHODS[pm];
  if (!method) throw missing('PaymentMethod', pm, param);
  return method;
}

/** Loads a PaymentIntent of this account, or the Stripe 404. */
export function loadPaymentIntent(d: PaymentsContext, accountId: string, id: string): PaymentIntent {
  const pi = d.store.get<PaymentIntent>(accountId, id, PI_TYPE);
  if (!pi) throw missing('payment_intent', id, 'intent');
  return pi;
}

/** Creates a PaymentIntent; with `confirm: true` it is confirmed at once (a decline commits, then throws 402). */
export function createPaymentIntent(
  d: PaymentsContext,
  accountId: string,
  req: RequestMeta,
  p: CreateParams,
  internal: Record<string, unknown> = {},
): PaymentIntent {
  checkAmount(p.amount, p.currency);
  if (p.payment_method) methodOf(p.payment_method);
  if (p.off_session && !p.confirm)
    throw invalid(
      'You may only specify `off_session` when `confirm=true`.',
      'off_session',
      'parameter_invalid',
    );
  if (p.confirm && !p.payment_method) {
    throw invalid(
      'You cannot confirm this PaymentIntent because it’s missing a payment method. Pass `payment_method` when confirming.',
      'payment_method',
      'payment_intent_unexpected_state',
    );
  }
  const id = newId('pi');
  const pi: PaymentIntent = {
    id,
    object: 'payment_intent',
    amount: p.amount,
    amount_capturable: 0,
    amount_received: 0,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: p.capture_method ?? 'automatic_async',
    client_secret: `${id}_secret_${randomBase62(25)}`,
    confirmation_method: 'automatic',
    created: nowSec(d),
    currency: p.currency,
    customer: null,
    description: p.description ?? null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    metadata: p.metadata ?? {},
    next_action: null,
    payment_method: p.payment_method ?? null,
    payment_method_types: p.payment_method_types ?? ['card'],
    receipt_email: p.receipt_email ?? null,
    status: p.payment_method ? 'requires_confirmation' : 'requires_payment_method',
  };
  const result = tx(d, () => {
    d.store.insert(accountId, pi, { internal });
    emitEvent(d, accountId, 'payment_intent.created', pi, { request: req });
    return p.confirm ? attempt(d, accountId, req, pi, p.return_url, p.off_session) : { pi };
  });
  return finish(result);
}

export function updatePaymentIntent(
  d: PaymentsContext,
  accountId: string,
  _req: RequestMeta,
  id: string,
  p: UpdateParams,
): PaymentIntent {
  return tx(d, () => {
    const pi = loadPaymentIntent(d, accountId, id);
    const editable = ['requires_payment_method', 'requires_confirmation', 'requires_action'];
    const onlyMeta = Object.keys(p).every(
      (k) => k === 'metadata' || k === 'description' || k === 'receipt_email',
    );
    if (!editable.includes(pi.status) && !onlyMeta) {
      throw unexpectedState(
        'payment_intent',
        `This PaymentIntent's amount, currency, payment_method or capture_method could not be updated because it has a status of ${pi.status}.`,
      );
    }
    if (p.amount !== undefined) checkAmount(p.amount, p.currency ?? pi.currency);
    if (p.payment_method) methodOf(p.payment_method);
    const next: PaymentIntent = { ...pi };
    if (p.amount !== undefined) next.amount = p.amount;
    if (p.currency !== undefined) next.currency = p.currency;
    if (p.capture_method !== undefined) next.capture_method = p.capture_method;
    if (p.description !== undefined) next.description = p.description || null;
    if (p.receipt_email !== undefined) next.receipt_email = p.receipt_email || null;
    if (p.metadata !== undefined) next.metadata = mergeMetadata(pi.metadata, p.metadata);
    if (p.payment_method !== undefined) {
      next.payment_method = p.payment_method || null;
      if (pi.status !== 'requires_action')
        next.status = next.payment_method ? 'requires_confirmation' : 'requires_payment_method';
    }
    return d.store.update(next);
  });
}

/** Stripe metadata updates merge; a key set to '' is removed, and `metadata=` clears all. */
export function mergeMetadata(
  current: Record<string, string>,
  patch: Record<string, string>,
): Record<string, string> {
  if (Object.keys(patch).length === 0) return {};
  const out = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === '') delete out[k];
    else out[k] = v;
  }
  return out;
}

export function confirmPaymentIntent(
  d: PaymentsContext,
  accountId: string,
  req: RequestMeta,
  id: string,
  p: ConfirmParams,
): PaymentIntent {
  const result = tx(d, () => {
    const pi = loadPaymentIntent(d, accountId, id);
    if (pi.status !== 'requires_payment_method' && pi.status !== 'requires_confirmation') {
      throw unexpectedState(
        'payment_intent',
        `You cannot confirm this PaymentIntent because it has a status of ${pi.status}.`,
      );
    }
    const pm = p.payment_method ?? pi.payment_method;
    if (!pm) {
      throw invalid(
        'You cannot confirm this PaymentIntent because it’s missing a payment method. Pass `payment_method` when confirming.',
        'payment_method',
        'payment_intent_unexpected_state',
      );
    }
    methodOf(pm);
    const next = { ...pi, payment_method: pm, receipt_email: p.receipt_email ?? pi.receipt_email };
    return attempt(d, accountId, req, next, p.return_url, p.off_session);
  });
  return finish(result);
}

interface AttemptResult {
  pi: PaymentIntent;
  error?: ReturnType<typeof stripeError>;
}

function finish(result: AttemptResult): PaymentIntent {
  if (result.error) throw result.error;
  return result.pi;
}

/** One payment attempt with the PaymentIntent's method: the status machine's confirm edge. */
function attempt(
  d: PaymentsContext,
  accountId: string,
  req: RequestMeta,
  pi: PaymentIntent,
  returnUrl?: string,
  offSession = false,
): AttemptResult {
  const method = methodOf(pi.payment_method!);
  const outcome: Outcome = method.outcome;
  const base = { ...pi, last_payment_error: null, next_action: null };
  // Off session nobody can answer a 3-D Secure challenge: Stripe declines with authentication_required.
  if (outcome.kind === 'authenticate' && offSession)
    return decline(
      d,
      accountId,
      req,
      base,
      method,
      'authentication_required',
      'authentication_required',
      'Your card was declined. This transaction requires authentication.',
    );
  if (outcome.kind === 'authenticate') {
    const next: PaymentIntent = {
      ...base,
      status: 'requires_action',
      next_action: {
        type: 'redirect_to_url',
        redirect_to_url: {
          url: `${d.publicUrl()}/3ds/${pi.id}?client_secret=${encodeURIComponent(pi.client_secret)}`,
          return_url: returnUrl ?? null,
        },
      },
    };
    d.store.update(next, { internal: { ...internalOf(d, pi.id), returnUrl: returnUrl ?? null } });
    emitEvent(d, accountId, 'payment_intent.requires_action', next, { request: req });
    return { pi: next };
  }
  return charge(d, accountId, req, base, method, outcome);
}

function internalOf(d: PaymentsContext, id: string): Record<string, unknown> {
  return d.store.rowById(id)?.internal ?? {};
}

function newCharge(
  d: PaymentsContext,
  pi: PaymentIntent,
  method: TestMethod,
  status: Charge['status'],
  captured: boolean,
  failure?: { code: string; message: string; declineCode?: string },
): Charge {
  return {
    id: newId('ch'),
    object: 'charge',
    amount: pi.amount,
    amount_captured: captured ? pi.amount : 0,
    amount_refunded: 0,
    balance_transaction: null,
    captured,
    created: nowSec(d),
    currency: pi.currency,
    customer: null,
    description: pi.description,
    failure_code: failure?.code ?? null,
    failure_message: failure?.message ?? null,
    livemode: false,
    metadata: pi.metadata,
    outcome: failure
      ? {
          network_status: 'declined_by_network',
          reason: failure.declineCode ?? failure.code,
          risk_level: 'normal',
          seller_message: 'The bank did not return any further details with this decline.',
          type: 'issuer_declined',
        }
      : {
          network_status: 'approved_by_network',
          reason: null,
          risk_level: 'normal',
          seller_message: 'Payment complete.',
          type: 'authorized',
        },
    paid: status === 'succeeded',
    payment_intent: pi.id,
    payment_method: pi.payment_method!,
    payment_method_details:
      method.type === 'card'
        ? {
            type: 'card',
            card: {
              brand: method.brand,
              last4: method.last4,
              exp_month: 12,
              exp_year: 2034,
              funding: 'credit',
              country: 'US',
            },
          }
        : {
            type: 'us_bank_account',
            us_bank_account: { bank_name: method.brand, last4: method.last4, account_type: 'checking' },
          },
    receipt_email: pi.receipt_email,
    refunded: false,
    status,
  };
}

function charge(
  d: PaymentsContext,
  accountId: string,
  req: RequestMeta,
  pi: PaymentIntent,
  method: TestMethod,
  outcome: Outcome,
): AttemptResult {
  if (outcome.kind === 'decline')
    return decline(d, accountId, req, pi, method, outcome.code, outcome.declineCode, outcome.message);
  if (outcome.kind === 'processing') {
    const ch = newCharge(d, pi, method, 'pending', false);
    d.store.insert(accountId, ch, { ref: pi.id });
    const next: PaymentIntent = { ...pi, status: 'processing', latest_charge: ch.id };
    d.store.update(next);
    d.jobs.schedule({
      scope: accountId,
      kind: 'payment_intent.settle',
      subjectId: pi.id,
      runAt: d.clock.now() + d.config.PAYMENTS_PROCESSING_DELAY_MS,
    });
    emitEvent(d, accountId, 'charge.pending', ch, { request: req });
    emitEvent(d, accountId, 'payment_intent.processing', next, { request: req });
    onPaymentIntentChanged(d, accountId, req, next);
    return { pi: next };
  }
  const manual = pi.capture_method === 'manual';
  const ch = newCharge(d, pi, method, 'succeeded', !manual);
  d.store.insert(accountId, ch, { ref: pi.id });
  const next: PaymentIntent = manual
    ? { ...pi, status: 'requires_capture', amount_capturable: pi.amount, latest_charge: ch.id }
    : { ...pi, status: 'succeeded', amount_received: pi.amount, latest_charge: ch.id };
  d.store.update(next);
  emitEvent(d, accountId, 'charge.succeeded', ch, { request: req });
  emitEvent(
    d,
    accountId,
    manual ? 'payment_intent.amount_capturable_updated' : 'payment_intent.succeeded',
    next,
    { request: req },
  );
  onPaymentIntentChanged(d, accountId, req, next);
  return { pi: next };
}

function decline(
  d: PaymentsContext,
  accountId: string,
  req: RequestMeta,
  pi: PaymentIntent,
  method: TestMethod,
  code: string,
  declineCode: string,
  message: string,
): AttemptResult {
  const ch = newCharge(d, pi, method, 'failed', false, { code, message, declineCode });
  d.store.insert(accountId, ch, { ref: pi.id });
  const lastPaymentError = {
    type: 'card_error',
    code,
    decline_code: declineCode,
    message,
    charge: ch.id,
    doc_url: `https://stripe.com/docs/error-codes/${code.replaceAll('_', '-')}`,
    payment_method: { id: pi.payment_method, object: 'payment_method', type: method.type },
  };
  const next: PaymentIntent = {
    ...pi,
    status: 'requires_payment_method',
    last_payment_error: lastPaymentError,
    latest_charge: ch.id,
    next_action: null,
  };
  d.store.update(next);
  emitEvent(d, accountId, 'charge.failed', ch, { request: req });
  emitEvent(d, accountId, 'payment_intent.payment_failed', next, { request: req });
  onPaymentIntentChanged(d, accountId, req, next);
  return {
    pi: next,
    error: stripeError({
      status: 402,
      type: 'card_error',
      code,
      declineCode,
      message,
      charge: ch.id,
      paymentIntent: next,
    }),
  };
}

/** The 3-D Secure page's answer: approve charges the card, fail returns to requires_payment_method. */
export function completeAuthentication(
  d: PaymentsContext,
  piId: string,
  approve: boolean,
): { accountId: string; pi: PaymentIntent; returnUrl: string | null } {
  return tx(d, () => {
    const row = d.store.rowById(piId);
    if (!row || row.type !== PI_TYPE) throw missing('payment_intent', piId, 'intent');
    const pi = row.data as PaymentIntent;
    if (pi.status !== 'requires_action')
      throw unexpectedState(
        'payment_intent',
        `This PaymentIntent has a status of ${pi.status}; there is nothing to authenticate.`,
      );
    const method = methodOf(pi.payment_method!);
    const base = { ...pi, next_action: null };
    const returnUrl = (row.internal.returnUrl as string | null | undefined) ?? null;
    if (approve)
      return {
        accountId: row.accountId,
        pi: charge(d, row.accountId, BACKGROUND, base, method, { kind: 'succeed' }).pi,
        returnUrl,
      };
    const message =
      'We are unable to authenticate your payment method. Please choose a different payment method and try again.';
    const next: PaymentIntent = {
      ...base,
      status: 'requires_payment_method',
      last_payment_error: {
        type: 'invalid_request_error',
        code: 'payment_intent_authentication_failure',
        message,
        payment_method: { id: pi.payment_method, object: 'payment_method', type: method.type },
      },
    };
    d.store.update(next);
    emitEvent(d, row.accountId, 'payment_intent.payment_failed', next);
    onPaymentIntentChanged(d, row.accountId, BACKGROUND, next);
    return { accountId: row.accountId, pi: next, returnUrl };
  });
}

/** Job: a `processing` (bank debit) payment settles, succeeding or failing as its test method says. */
export function settleProcessing(d: PaymentsContext, accountId: string, piId: string): void {
  const pi = d.store.get<PaymentIntent>(accountId, piId, PI_TYPE);
  if (pi?.status !== 'processing') return;
  const method = methodOf(pi.payment_method!);
  const ch = d.store.get<Charge>(accountId, pi.latest_charge!, 'charge');
  if (!ch) return;
  const outcome = method.outcome;
  if (outcome.kind === 'processing' && outcome.settles === 'fail') {
    const failed: Charge = {
      ...ch,
      status: 'failed',
      failure_code: outcome.failureCode ?? 'debit_failed',
      failure_message: outcome.failureMessage ?? 'The debit failed.',
    };
    d.store.update(failed);
    const next: PaymentIntent = {
      ...pi,
      status: 'requires_payment_method',
      last_payment_error: {
        type: 'card_error',
        code: failed.failure_code,
        message: failed.failure_message,
        charge: ch.id,
        payment_method: { id: pi.payment_method, object: 'payment_method', type: method.type },
      },
    };
    d.store.update(next);
    emitEvent(d, accountId, 'charge.failed', failed);
    emitEvent(d, accountId, 'payment_intent.payment_failed', next);
    onPaymentIntentChanged(d, accountId, BACKGROUND, next);
    return;
  }
  const paid: Charge = { ...ch, status: 'succeeded', paid: true, captured: true, amount_captured: ch.amount };
  d.store.update(paid);
  const next: PaymentIntent = { ...pi, status: 'succeeded', amount_received: pi.amount };
  d.store.update(next);
  emitEvent(d, accountId, 'charge.succeeded', paid);
  emitEvent(d, accountId, 'payment_intent.succeeded', next);
  onPaymentIntentChanged(d, accountId, BACKGROUND, next);
}

export function capturePaymentIntent(
  d: PaymentsContext,
  accountId: string,
  req: RequestMeta,
  id: string,
  p: { amount_to_capture?: number },
): PaymentIntent {
  return tx(d, () => {
    const pi = loadPaymentIntent(d, accountId, id);
    if (pi.status !== 'requires_capture') {
      throw unexpectedState(
        'payment_intent',
        `This PaymentIntent could not be captured because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`,
      );
    }
    const amount = p.amount_to_capture ?? pi.amount_capturable;
    if (amount > pi.amount_capturable || amount < 1)
      throw invalid(
        `The amount to capture must be between 1 and ${pi.amount_capturable}.`,
        'amount_to_capture',
        'amount_too_large',
      );
    const ch = d.store.get<Charge>(accountId, pi.latest_charge!, 'charge')!;
    const captured: Charge = { ...ch, captured: true, amount_captured: amount };
    d.store.update(captured);
    const next: PaymentIntent = { ...pi, status: 'succeeded', amount_capturable: 0, amount_received: amount };
    d.store.update(next);
    emitEvent(d, accountId, 'charge.captured', captured, { request: req });
    emitEvent(d, accountId, 'payment_intent.succeeded', next, { request: req });
    onPaymentIntentChanged(d, accountId, req, next);
    return next;
  });
}

export const CANCELLATION_REASONS = [
  'duplicate',
  'fraudulent',
  'requested_by_customer',
  'abandoned',
] as const;

export function cancelPaymentIntent(
  d: PaymentsContext,
  accountId: string,
  req: RequestMeta,
  id: string,
  p: { cancellation_reason?: string },
): PaymentIntent {
  return tx(d, () => {
    const pi = loadPaymentIntent(d, accountId, id);
    return cancelLoaded(d, accountId, req, pi, p.cancellation_reason ?? null);
  });
}

export function cancelLoaded(
  d: PaymentsContext,
  accountId: string,
  req: RequestMeta,
  pi: PaymentIntent,
  reason: string | null,
): PaymentIntent {
  const cancelable = [
    'requires_payment_method',
    'requires_confirmation',
    'requires_action',
    'requires_capture',
  ];
  if (!cancelable.includes(pi.status)) {
    throw unexpectedState(
      'payment_intent',
      `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${cancelable.join(', ')}.`,
    );
  }
  const next: PaymentIntent = {
    ...pi,
    status: 'canceled',
    canceled_at: nowSec(d),
    cancellation_reason: reason,
    amount_capturable: 0,
    next_action: null,
  };
  d.store.update(next);
  emitEvent(d, accountId, 'payment_intent.canceled', next, { request: req });
  return next;
}
