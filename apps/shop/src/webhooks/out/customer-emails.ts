// What the shop SENDS to its customers: an order confirmation once an order is paid and a shipping e-mail once
// logistics says it shipped. Each is an outbox message to `mailto:<customer>`, enqueued in the transaction that
// moves the order, so the engine's retries, attempt log and replay cover e-mail too (the mailto: transport).
import type { SqliteClient } from '@hooklab/db';
import { currentTrace, formatTraceparent } from '@hooklab/service';
import type { NewMessage } from '@hooklab/webhooks';
import type { OrderStatus } from '../../domain/order-status.ts';
import type { OrderView } from '../../domain/orders.ts';
import type { OrderOutbox } from './order-created.ts';

export const ORDER_CONFIRMATION = 'order.confirmation';
export const ORDER_SHIPPED_EMAIL = 'order.shipping_notice';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const money = (cents: number, currency: string) =>
  new Intl.NumberFormat('en-GB', { style: 'currency', currency: currency.toUpperCase() }).format(cents / 100);

interface Mail {
  subject: string;
  text: string;
  html: string;
}

function confirmationMail(order: OrderView): Mail {
  const lines = order.items.map((i) => `${i.quantity} × ${i.name} — ${money(i.amount, order.currency)}`);
  const total = money(order.amount_total, order.currency);
  const to = order.ship_to;
  const address = [to.name, to.line1, `${to.postal_code} ${to.city}`, to.country].filter(Boolean);
  return {
    subject: `Your Atelier order ${order.id} is confirmed`,
    text: [
      `Hello ${order.customer.name},`,
      '',
      `Thank you for your order. We have received your payment of ${total}.`,
      '',
      ...lines,
      `Total: ${total}`,
      '',
      'It will be sent to:',
      ...address,
      '',
      `We will write again when it ships. Your order: ${order.url}`,
      '',
      'Atelier',
    ].join('\n'),
    html: `<!doctype html><html><body style="font-family:system-ui,sans-serif">
<p>Hello ${escapeHtml(order.customer.name)},</p>
<p>Thank you for your order. We have received your payment of <strong>${escapeHtml(total)}</strong>.</p>
<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>
<p>It will be sent to:<br>${address.map(escapeHtml).join('<br>')}</p>
<p>We will write again when it ships. <a href="${escapeHtml(order.url)}">See your order</a>.</p>
<p>Atelier</p>
</body></html>`,
  };
}

function shippedMail(order: OrderView): Mail {
  const carrier = order.shipment?.carrier ?? 'our carrier';
  const tracking = order.shipment?.tracking_number ?? 'not known yet';
  return {
    subject: `Your Atelier order ${order.id} has shipped (tracking ${tracking})`,
    text: [
      `Hello ${order.customer.name},`,
      '',
      `Your order ${order.id} is on its way with ${carrier}.`,
      `Tracking number: ${tracking}`,
      `Follow your parcel: ${order.url}`,
      '',
      'Atelier',
    ].join('\n'),
    html: `<!doctype html><html><body style="font-family:system-ui,sans-serif">
<p>Hello ${escapeHtml(order.customer.name)},</p>
<p>Your order <strong>${escapeHtml(order.id)}</strong> is on its way with ${escapeHtml(carrier)}.</p>
<p>Tracking number: <code>${escapeHtml(tracking)}</code></p>
<p><a href="${escapeHtml(order.url)}">Follow your parcel</a></p>
<p>Atelier</p>
</body></html>`,
  };
}

const MAILS: Partial<Record<OrderStatus, [string, (o: OrderView) => Mail]>> = {
  paid: [ORDER_CONFIRMATION, confirmationMail],
  fulfilled: [ORDER_SHIPPED_EMAIL, shippedMail],
};

/** The e-mail the customer gets when the order moves to `to` (paid, fulfilled), or null for other moves. */
export function customerEmailMessage(order: OrderView, to: OrderStatus, now: number): NewMessage | null {
  const entry = MAILS[to];
  if (!entry || !order.customer.email) return null;
  const [type, render] = entry;
  const trace = currentTrace();
  return {
    endpointId: 'customer-email',
    url: `mailto:${order.customer.email}`,
    eventType: type,
    // One per order and kind: a second enqueue is the same message (and the same Message-ID).
    eventId: `${type}.${order.id}`,
    body: JSON.stringify({
      type,
      timestamp: new Date(now).toISOString(),
      data: { order_id: order.id, status: order.status },
      mail: render(order),
    }),
    signing: { scheme: 'none', secrets: [] },
    profile: 'standard',
    traceparent: trace ? formatTraceparent(trace) : undefined,
  };
}

/** Enqueues the customer's e-mail for this move, if it has one; call it inside the transaction that moved the order. */
export function enqueueCustomerEmail(
  outbox: OrderOutbox,
  tx: SqliteClient,
  order: OrderView,
  to: OrderStatus,
  now: number,
): boolean {
  const message = customerEmailMessage(order, to, now);
  if (message) outbox.enqueue(tx, message);
  return message !== null;
}
