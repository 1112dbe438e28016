// What customers read about their order. Machine codes (`out_of_stock`, `generic_decline: …`, `in_transit`)
// stay in the JSON API; pages translate them here, once, for the reloaded page and the live one alike.
import type { OrderEvent } from '../db/schema.ts';
import { formatMoney } from '../domain/catalog.ts';
import type { OrderView } from '../domain/orders.ts';

export const STATUS_TEXT: Record<string, string> = {
  pending_payment: 'Awaiting payment',
  payment_failed: 'Payment failed',
  paid: 'Paid',
  fulfilled: 'Shipped',
  delivered: 'Delivered',
  fulfilment_failed: 'Could not ship',
  refunded: 'Refunded',
};

/** The status as a customer reads it: a bank debit on its way is neither "awaiting" nor "failed". */
export function statusText(o: Pick<OrderView, 'status' | 'payment'>): string {
  if (o.payment.processing && (o.status === 'pending_payment' || o.status === 'payment_failed'))
    return 'Payment processing';
  return STATUS_TEXT[o.status] ?? 'In progress';
}

const SHIPMENT_REASONS: Record<string, string> = {
  out_of_stock: 'the dress is out of stock at our warehouse',
  address_invalid: 'the carrier cannot deliver to this address',
};

// Card-fraud codes (lost, stolen…) are shown as a plain decline, as card networks ask.
const DECLINES: Record<string, string> = {
  generic_decline: 'your card was declined',
  card_declined: 'your card was declined',
  do_not_honor: 'your card was declined',
  lost_card: 'your card was declined',
  stolen_card: 'your card was declined',
  fraudulent: 'your card was declined',
  insufficient_funds: 'the card has insufficient funds',
  expired_card: 'the card has expired',
  incorrect_cvc: 'the security code is incorrect',
  incorrect_number: 'the card number is incorrect',
  processing_error: 'the card could not be processed',
  authentication_required: 'your bank asked you to confirm the payment, and it was not confirmed',
  'async payment failed': 'your bank did not complete the debit',
  'payment canceled': 'the payment was canceled',
};

/** Why a shipment failed, for people; never the raw code. */
export function shipmentReasonText(reason: string | null): string {
  return (reason && SHIPMENT_REASONS[reason]) ?? 'our warehouse could not prepare it';
}

/** Why a payment failed, for people: a known decline code, else the provider's own customer-facing message. */
export function paymentReasonText(reason: string | null): string {
  if (!reason) return 'the payment was not completed';
  const at = reason.indexOf(': ');
  const code = at >= 0 ? reason.slice(0, at) : reason;
  const known = DECLINES[code] ?? DECLINES[reason];
  if (known) return known;
  // Stored as `code: message`; the provider's message is written for customers, a bare code is not.
  const message = (at >= 0 ? reason.slice(at + 2) : reason).trim();
  return message && !/^[a-z0-9_]+$/.test(message)
    ? message.replace(/\.$/, '').replace(/^./, (c) => c.toLowerCase())
    : 'the payment was not completed';
}

const TRACKING: Record<string, string> = {
  shipped: 'handed to the carrier',
  in_transit: 'in transit',
  out_for_delivery: 'out for delivery',
  delivered: 'delivered',
};

export const trackingText = (status: string | null | undefined): string =>
  status ? (TRACKING[status] ?? status.replaceAll('_', ' ')) : '—';

const CARRIERS: Record<string, string> = { colissimo: 'Colissimo', dhl: 'DHL', ups: 'UPS' };
export const carrierName = (carrier: string | null | undefined): string =>
  carrier ? (CARRIERS[carrier.toLowerCase()] ?? carrier) : '—';

/** The sentence under the status. */
export function describe(o: OrderView): string {
  const amount = formatMoney(o.amount_total, o.currency);
  if (o.payment.processing && (o.status === 'pending_payment' || o.status === 'payment_failed'))
    return 'Your bank payment is on its way. A bank debit takes a few days to clear; this page says so as soon as it has. There is nothing more to pay.';
  switch (o.status) {
    case 'pending_payment':
      return 'We are waiting for your payment.';
    case 'payment_failed':
      return `The payment did not go through: ${paymentReasonText(o.failure_reason)}. You can try again.`;
    case 'paid':
      return 'Paid, thank you. Our warehouse is preparing your order.';
    case 'fulfilled':
      return 'Your dress is on its way.';
    case 'delivered':
      return 'Delivered. Enjoy it.';
    case 'fulfilment_failed': {
      const why = `We could not ship this order: ${shipmentReasonText(o.failure_reason)}.`;
      if (o.refund?.status === 'pending' || o.refund?.status === 'requested')
        return `${why} We are refunding ${amount} to your card; this page says so when it is done.`;
      if (o.refund?.status === 'failed')
        return `${why} We owe you ${amount}; the refund needs our team, who will contact you.`;
      return `${why} Our team will contact you about a refund.`;
    }
    case 'refunded': {
      const refunded = formatMoney(o.refund?.amount_refunded || o.amount_total, o.currency);
      const why = o.failure_reason
        ? `We could not ship this order: ${shipmentReasonText(o.failure_reason)}. `
        : '';
      return `${why}We refunded ${refunded} to your card; your bank shows it within 5–10 days.`;
    }
    default:
      return '';
  }
}

/** A timeline line for people, or null for internal facts (an ignored late event). */
export function timelineText(e: OrderEvent): string | null {
  const d = e.detail ?? {};
  switch (e.type) {
    case 'order.created':
      return 'Order placed';
    case 'order.paid':
      return 'Payment received';
    case 'order.payment_failed':
      return 'Payment did not go through';
    case 'payment.processing':
    case 'checkout.completed_unpaid':
      return 'Bank payment submitted; waiting for it to clear';
    case 'checkout.expired':
      return 'Checkout expired; the dresses are no longer held for you';
    case 'payment.canceled':
      return 'Payment canceled';
    case 'stock.released':
      return 'The dresses are no longer held for you';
    case 'order.fulfilled':
      return typeof d.carrier === 'string' ? `Shipped with ${carrierName(d.carrier)}` : 'Shipped';
    case 'shipment.tracking':
      return `Parcel ${trackingText(typeof d.status === 'string' ? d.status : null)}${
        typeof d.location === 'string' ? ` · ${d.location}` : ''
      }`;
    case 'order.delivered':
      return 'Delivered';
    case 'order.fulfilment_failed':
      return 'Could not ship';
    case 'refund.pending':
      return 'Refund started';
    case 'refund.requested':
      return 'Refund sent to the payment provider';
    case 'refund.failed':
      return 'Refund passed to our team';
    case 'refund.partial':
      return 'Part of the payment refunded';
    case 'order.refunded':
      return 'Refunded';
    default:
      return null;
  }
}

/** How the shop learnt it (the lesson of this shop), in words. */
export function sourceText(source: string): string {
  const kind = source.split(':')[0];
  if (kind === 'stripe') return 'payments webhook';
  if (kind === 'poll') return 'polling';
  if (kind === 'logistics') return 'logistics callback';
  if (kind === 'payments') return 'payments API';
  return 'shop';
}
