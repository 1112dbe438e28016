import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES, type OrderSignal, transition } from './order-status.ts';

describe('order state machine', () => {
  it('walks the happy path forward', () => {
    expect(transition('pending_payment', 'payment_succeeded')).toEqual({
      kind: 'move',
      from: 'pending_payment',
      to: 'paid',
    });
    expect(transition('paid', 'shipment_fulfilled')).toEqual({ kind: 'move', from: 'paid', to: 'fulfilled' });
    expect(transition('fulfilled', 'shipment_delivered')).toEqual({
      kind: 'move',
      from: 'fulfilled',
      to: 'delivered',
    });
  });

  it('lets a good card follow a declined one', () => {
    expect(transition('pending_payment', 'payment_failed').kind).toBe('move');
    expect(transition('payment_failed', 'payment_succeeded')).toEqual({
      kind: 'move',
      from: 'payment_failed',
      to: 'paid',
    });
  });

  it('ignores a late payment_failed once paid, and every later state', () => {
    for (const s of ['paid', 'fulfilled', 'delivered', 'fulfilment_failed'] as const) {
      expect(transition(s, 'payment_failed').kind).toBe('ignored');
    }
  });

  it('is idempotent: the same signal twice is "same", not a second move', () => {
    expect(transition('paid', 'payment_succeeded')).toEqual({ kind: 'same', status: 'paid' });
    expect(transition('delivered', 'shipment_delivered')).toEqual({ kind: 'same', status: 'delivered' });
  });

  it('never goes backwards from any state', () => {
    const rank = {
      pending_payment: 0,
      payment_failed: 0,
      paid: 1,
      fulfilled: 2,
      delivered: 3,
      fulfilment_failed: 3,
      refunded: 4,
    };
    const signals: OrderSignal[] = [
      'payment_succeeded',
      'payment_failed',
      'shipment_fulfilled',
      'shipment_delivered',
      'shipment_failed',
      'refunded',
    ];
    for (const s of ORDER_STATUSES) {
      for (const sig of signals) {
        const t = transition(s, sig);
        if (t.kind === 'move') expect(rank[t.to]).toBeGreaterThanOrEqual(rank[t.from]);
      }
    }
  });

  it('ends an unshippable (or any paid) order as refunded, never one that was not paid', () => {
    expect(transition('fulfilment_failed', 'refunded')).toEqual({
      kind: 'move',
      from: 'fulfilment_failed',
      to: 'refunded',
    });
    expect(transition('delivered', 'refunded').kind).toBe('move');
    expect(transition('pending_payment', 'refunded').kind).toBe('ignored');
    expect(transition('refunded', 'shipment_delivered').kind).toBe('ignored');
  });

  it('refuses shipping signals before payment and after a final state', () => {
    expect(transition('pending_payment', 'shipment_fulfilled').kind).toBe('ignored');
    expect(transition('fulfilment_failed', 'shipment_delivered').kind).toBe('ignored');
    expect(transition('delivered', 'shipment_fulfilled').kind).toBe('ignored');
    expect(transition('paid', 'shipment_failed')).toEqual({
      kind: 'move',
      from: 'paid',
      to: 'fulfilment_failed',
    });
  });
});
