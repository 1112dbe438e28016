import { newId } from '@hooklab/service';
import type { PaymentsContext } from '../context.ts';
import { changedFields, emitEvent } from '../webhooks/out/events.ts';
import { nowSec, type RequestMeta, tx } from './base.ts';
import { invalid, missing } from './errors.ts';
import type { Charge, PaymentIntent } from './payment-intents.ts';

export const REFUND_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;

export interface CreateRefundParams {
  payment_intent?: string;
  charge?: string;
  amount?: number;
  reason?: (typeof REFUND_REASONS)[number];
  metadata?: Record<string, string>;
}

/** Refunds all or part of a captured charge; refusing more than what is left. */
export function createRefund(d: PaymentsContext, accountId: string, req: RequestMeta, p: CreateRefundParams) {
  if (!p.payment_intent && !p.charge)
    throw invalid(
      'One of the following params should be provided for this request: payment_intent or charge.',
      'payment_intent',
      'parameter_missing',
    );
  return tx(d, () => {
    let chargeId = p.charge;
    if (p.payment_intent) {
      const pi = d.store.get<PaymentIntent>(accountId, p.payment_intent, 'payment_intent');
      if (!pi) throw missing('payment_intent', p.payment_intent, 'payment_intent');
      if (pi.status !== 'succeeded' || !pi.latest_charge) {
        throw invalid(
          `This PaymentIntent (${pi.id}) does not have a successful charge to refund.`,
          'payment_intent',
          'charge_not_refundable',
        );
      }
      if (chargeId && chargeId !== pi.latest_charge)
        throw invalid('The charge does not belong to this PaymentIntent.', 'charge');
      chargeId = pi.latest_charge;
    }
    const ch = d.store.get<Charge>(accountId, chargeId!, 'charge');
    if (!ch) throw missing('charge', chargeId!, 'charge');
    if (ch.status !== 'succeeded' || !ch.captured)
      throw invalid(
        `Charge ${ch.id} has not been captured and cannot be refunded.`,
        'charge',
        'charge_not_refundable',
      );
    const left = ch.amount_captured - ch.amount_refunded;
    if (left <= 0)
      throw invalid(`Charge ${ch.id} has already been refunded.`, 'charge', 'charge_already_refunded');
    const amount = p.amount ?? left;
    if (amount > left) {
      throw invalid(
        `Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`,
        'amount',
        'amount_too_large',
      );
    }
    const refund = {
      id: newId('re'),
      object: 'refund' as const,
      amount,
      balance_transaction: null,
      charge: ch.id,
      created: nowSec(d),
      currency: ch.currency,
      metadata: p.metadata ?? {},
      payment_intent: ch.payment_intent,
      reason: p.reason ?? null,
      status: 'succeeded',
    };
    d.store.insert(accountId, refund, { ref: ch.payment_intent, tag: ch.id });
    const next: Charge = {
      ...ch,
      amount_refunded: ch.amount_refunded + amount,
      refunded: ch.amount_refunded + amount === ch.amount_captured,
    };
    d.store.update(next);
    emitEvent(d, accountId, 'refund.created', refund, { request: req });
    emitEvent(d, accountId, 'charge.refunded', next, { request: req, previous: changedFields(ch, next) });
    return refund;
  });
}
