// The order's life. Transitions only go forward: a late or repeated event never undoes a later state.

export const ORDER_STATUSES = [
  'pending_payment',
  'payment_failed',
  'paid',
  'fulfilled',
  'delivered',
  'fulfilment_failed',
  'refunded',
] as const;

export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** What can happen to an order, from payments or logistics. */
export type OrderSignal =
  | 'payment_succeeded'
  | 'payment_failed'
  | 'shipment_fulfilled'
  | 'shipment_delivered'
  | 'shipment_failed'
  | 'refunded';

const TARGET: Record<OrderSignal, OrderStatus> = {
  payment_succeeded: 'paid',
  payment_failed: 'payment_failed',
  shipment_fulfilled: 'fulfilled',
  shipment_delivered: 'delivered',
  shipment_failed: 'fulfilment_failed',
  refunded: 'refunded',
};

// Allowed moves. A declined card can be followed by a good one (payment_failed → paid); a delivered
// callback that overtakes the fulfilled one (retries reorder them) may skip straight to delivered.
// A charge refunded in full ends any paid order (an unshippable one, or from the payments dashboard).
const ALLOWED: Record<OrderStatus, readonly OrderStatus[]> = {
  pending_payment: ['paid', 'payment_failed'],
  payment_failed: ['paid'],
  paid: ['fulfilled', 'delivered', 'fulfilment_failed', 'refunded'],
  fulfilled: ['delivered', 'refunded'],
  delivered: ['refunded'],
  fulfilment_failed: ['refunded'],
  refunded: [],
};

export type Transition =
  | { kind: 'move'; from: OrderStatus; to: OrderStatus }
  | { kind: 'same'; status: OrderStatus }
  | { kind: 'ignored'; status: OrderStatus; reason: string };

/** Decides what `signal` does to an order in `current`: move, already there, or ignored (never backwards). */
export function transition(current: OrderStatus, signal: OrderSignal): Transition {
  const to = TARGET[signal];
  if (current === to) return { kind: 'same', status: current };
  if (ALLOWED[current].includes(to)) return { kind: 'move', from: current, to };
  return {
    kind: 'ignored',
    status: current,
    reason: `${signal} does not apply to an order that is ${current}`,
  };
}

export function isOrderStatus(value: unknown): value is OrderStatus {
  return typeof value === 'string' && (ORDER_STATUSES as readonly string[]).includes(value);
}

/** Paid or beyond: the money is in. */
export function isPaid(status: OrderStatus): boolean {
  return (
    status === 'paid' || status === 'fulfilled' || status === 'delivered' || status === 'fulfilment_failed'
  );
}

/** The customer may (still) pay: nothing paid yet, and no delayed payment in flight. */
export function isPayable(o: { status: OrderStatus; payment: { processing: boolean } }): boolean {
  return (o.status === 'pending_payment' || o.status === 'payment_failed') && !o.payment.processing;
}

/** No further change will come in the normal course (a later refund of a delivered order aside). */
export function isFinal(status: OrderStatus): boolean {
  return status === 'delivered' || status === 'refunded';
}
