// Turns each service's events into a readable Slack message: a one-line `text` (notifications, screen readers)
// and Block Kit blocks. Pure functions: no Slack call, no database.
import type { ChannelKind } from '../config.ts';

export interface SlackMessage {
  kind: ChannelKind;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: Block Kit blocks are plain JSON passed through to chat.postMessage.
  blocks: any[];
  orderId?: string | undefined;
}

/** The action id of the Refund button on a paid order's message (the bot handles it). */
export const REFUND_ACTION = 'refund_order';

type Data = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Slack's mrkdwn treats &, < and > as control characters: escape whatever came from outside. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** `12000, 'eur'` → `€120.00`. */
export function money(cents: number | undefined, currency: string | undefined): string {
  if (cents === undefined) return '';
  const code = (currency ?? 'eur').toUpperCase();
  try {
    return new Intl.NumberFormat('en-IE', { style: 'currency', currency: code }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${code}`;
  }
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string) => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

function message(
  kind: ChannelKind,
  text: string,
  lines: string[],
  foot: string,
  orderId?: string,
): SlackMessage {
  const blocks: SlackMessage['blocks'] = [section(lines.filter(Boolean).join('\n')), context(foot)];
  return { kind, text, blocks, orderId };
}

/** The Refund button: a confirm dialog first, the order id as its value. */
export function refundActions(orderId: string) {
  return {
    type: 'actions',
    block_id: `refund:${orderId}`,
    elements: [
      {
        type: 'button',
        action_id: REFUND_ACTION,
        text: { type: 'plain_text', text: 'Refund' },
        style: 'danger',
        value: orderId,
        confirm: {
          title: { type: 'plain_text', text: 'Refund this order?' },
          text: {
            type: 'mrkdwn',
            text: `The whole payment of order \`${orderId}\` goes back to the customer.`,
          },
          confirm: { type: 'plain_text', text: 'Refund' },
          deny: { type: 'plain_text', text: 'Cancel' },
        },
      },
    ],
  };
}

/** A Stripe event from payments (or real Stripe) → #payments. */
export function paymentsMessage(event: { id: string; type: string; data: { object: Data } }): SlackMessage {
  const o = event.data.object;
  const meta = (o.metadata ?? {}) as Data;
  const orderId = str(meta.order_id) ?? str(o.client_reference_id);
  const forOrder = orderId ? ` for order \`${escapeMrkdwn(orderId)}\`` : '';
  const foot = `${escapeMrkdwn(event.type)} · ${escapeMrkdwn(String(o.id ?? event.id))}`;
  const amount = money(num(o.amount_received) ?? num(o.amount) ?? num(o.amount_total), str(o.currency));
  switch (event.type) {
    case 'payment_intent.succeeded':
      return message(
        'payments',
        `Payment of ${amount} succeeded${forOrder.replaceAll('`', '')}`,
        [`:white_check_mark: *Payment succeeded* — ${amount}${forOrder}`],
        foot,
        orderId,
      );
    case 'payment_intent.payment_failed': {
      const err = (o.last_payment_error ?? {}) as Data;
      const why = [str(err.decline_code) ?? str(err.code), str(err.message)].filter(Boolean).join(': ');
      return message(
        'payments',
        `Payment of ${amount} failed${forOrder.replaceAll('`', '')}`,
        [`:x: *Payment failed* — ${amount}${forOrder}`, why ? `> ${escapeMrkdwn(why)}` : ''],
        foot,
        orderId,
      );
    }
    case 'charge.refunded': {
      const refunded = money(num(o.amount_refunded), str(o.currency));
      const whole = o.refunded === true;
      return message(
        'payments',
        `${whole ? 'Refunded' : 'Partly refunded'} ${refunded}${forOrder.replaceAll('`', '')}`,
        [
          `:leftwards_arrow_with_hook: *${whole ? 'Refunded' : 'Partly refunded'}* — ${refunded} of ${amount}${forOrder}`,
        ],
        foot,
        orderId,
      );
    }
    case 'checkout.session.completed':
      return message(
        'payments',
        `Checkout completed${forOrder.replaceAll('`', '')}`,
        [
          `:shopping_trolley: *Checkout completed* — ${amount} (${escapeMrkdwn(String(o.payment_status ?? ''))})${forOrder}`,
        ],
        foot,
        orderId,
      );
    default:
      return message(
        'payments',
        `Stripe event ${event.type}`,
        [`*${escapeMrkdwn(event.type)}*${forOrder}`],
        foot,
        orderId,
      );
  }
}

const ORDER_HEADLINES: Record<string, [string, string]> = {
  'order.paid': [':moneybag:', 'paid'],
  'order.fulfilled': [':package:', 'shipped'],
  'order.delivered': [':house:', 'delivered'],
  'order.refunded': [':leftwards_arrow_with_hook:', 'refunded'],
  'order.payment_failed': [':x:', 'payment failed'],
  'order.fulfilment_failed': [':warning:', 'could not be shipped'],
};

/** One order line list: `1× Silk dress, 2× Belt`. */
function itemsOf(data: Data): string {
  const items = Array.isArray(data.items) ? (data.items as Data[]) : [];
  return items
    .map((i) => `${num(i.quantity) ?? 1}× ${escapeMrkdwn(str(i.name) ?? str(i.sku) ?? '?')}`)
    .join(', ');
}

/** `out_for_delivery` → `out for delivery`. */
const words = (s: string) => s.replaceAll('_', ' ');

/** The shop's `order.tracking_updated` → #shipping: where the parcel is, by which carrier, and a link. */
export function trackingMessage(event: { type: string; data: Data }): SlackMessage {
  const d = event.data;
  const orderId = str(d.order_id) ?? '?';
  const t = (d.tracking ?? {}) as Data;
  const status = words(str(t.status) ?? 'updated');
  const location = str(t.location);
  const carrier = [str(d.carrier), str(d.tracking_number)].filter(Boolean) as string[];
  const at = str(t.at);
  const when = at ? Date.parse(at) : Number.NaN;
  const lines = [
    `:truck: *Order \`${escapeMrkdwn(orderId)}\`: ${escapeMrkdwn(status)}*${location ? ` — ${escapeMrkdwn(location)}` : ''}`,
    carrier.length ? `Carrier: ${carrier.map(escapeMrkdwn).join(' · ')}` : '',
    Number.isFinite(when)
      ? `<!date^${Math.floor(when / 1000)}^{date_short_pretty} {time}|${escapeMrkdwn(at!)}>`
      : '',
  ];
  const url = str(d.url);
  const foot = `${escapeMrkdwn(event.type)}${url ? ` · <${url}|track in the shop>` : ''}`;
  const plain = [
    `Order ${orderId}: ${status}`,
    location ? ` at ${location}` : '',
    carrier.length ? ` (${carrier.join(' ')})` : '',
  ].join('');
  return message('shipping', plain, lines, foot, orderId);
}

/**
 * An order event from the shop (Standard Webhooks `{type, timestamp, data}`) → #orders; paid ones get Refund.
 * Tracking updates are about the parcel, so they go to #shipping.
 */
export function shopMessage(event: { type: string; data: Data }): SlackMessage {
  if (event.type === 'order.tracking_updated') return trackingMessage(event);
  const d = event.data;
  const orderId = str(d.order_id) ?? '?';
  const [icon, verb] = ORDER_HEADLINES[event.type] ?? [':memo:', event.type.replace(/^order\./, '')];
  const amount = money(num(d.amount_total), str(d.currency));
  const shipping = [str(d.carrier), str(d.tracking_number)].filter(Boolean).map((s) => escapeMrkdwn(s!));
  const lines = [
    `${icon} *Order \`${escapeMrkdwn(orderId)}\` ${verb}*${amount ? ` — ${amount}` : ''}`,
    itemsOf(d),
    shipping.length ? `Carrier: ${shipping.join(' · ')}` : '',
  ];
  const url = str(d.url);
  const foot = `${escapeMrkdwn(event.type)}${url ? ` · <${url}|open in the shop>` : ''}`;
  const m = message(
    'orders',
    `Order ${orderId} ${verb}${amount ? ` (${amount})` : ''}`,
    lines,
    foot,
    orderId,
  );
  if (event.type === 'order.paid') m.blocks.push(refundActions(orderId));
  return m;
}

const SHIPPING_HEADLINES: Record<string, string> = {
  'shipment.fulfilled': ':package: *Shipped*',
  'tracking.updated': ':truck: *Tracking update*',
  'shipment.delivered': ':house: *Delivered*',
  'shipment.failed': ':warning: *Shipment failed*',
};

/** A shipping result from logistics (S06's third party) → #shipping. */
export function logisticsMessage(event: { type: string; data: Data }): SlackMessage {
  const d = event.data;
  const orderId = str(d.order_id);
  const shipment = str(d.shipment_id) ?? '?';
  const headline = SHIPPING_HEADLINES[event.type] ?? `*${escapeMrkdwn(event.type)}*`;
  const facts = [
    str(d.carrier),
    str(d.tracking_number),
    str(d.status),
    str(d.location),
    str(d.reason),
  ].filter(Boolean) as string[];
  const lines = [
    `${headline} — shipment \`${escapeMrkdwn(shipment)}\`${orderId ? ` of order \`${escapeMrkdwn(orderId)}\`` : ''}`,
    facts.map(escapeMrkdwn).join(' · '),
  ];
  const plain = `${event.type.replace('.', ' ')}: ${shipment}${orderId ? ` (order ${orderId})` : ''}`;
  return message('shipping', plain, lines, escapeMrkdwn(event.type), orderId);
}

/** The bot's answer to "order ord_…?": the order as the shop's API shows it. */
export function orderAnswer(order: Data): { text: string; blocks: SlackMessage['blocks'] } {
  const id = str(order.id) ?? '?';
  const status = str(order.status) ?? 'unknown';
  const amount = money(num(order.amount_total), str(order.currency));
  const customer = (order.customer ?? {}) as Data;
  const shipment = (order.shipment ?? null) as Data | null;
  const refund = (order.refund ?? null) as Data | null;
  const lines = [
    `*Order \`${escapeMrkdwn(id)}\` is ${escapeMrkdwn(status.replaceAll('_', ' '))}* — ${amount}`,
    itemsOf(order),
    str(customer.name) ? `Customer: ${escapeMrkdwn(str(customer.name)!)}` : '',
    shipment
      ? `Shipment: ${[shipment.carrier, shipment.tracking_number, shipment.tracking_status]
          .filter((v) => typeof v === 'string')
          .map((v) => escapeMrkdwn(v as string))
          .join(' · ')}`
      : '',
    refund
      ? `Refund: ${escapeMrkdwn(String(refund.status))} (${money(num(refund.amount_refunded), str(order.currency))})`
      : '',
  ];
  const blocks: SlackMessage['blocks'] = [section(lines.filter(Boolean).join('\n'))];
  const url = str(order.url);
  if (url) blocks.push(context(`<${url}|open in the shop>`));
  if (status === 'paid' || status === 'fulfilled' || status === 'delivered') blocks.push(refundActions(id));
  return { text: `Order ${id} is ${status.replaceAll('_', ' ')} (${amount})`, blocks };
}

/** Finds an order id in a chat message: `order ord_3xY…?` (the shop's ids) or `ORD-1042`. */
export function orderIdIn(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const m = /\b(ord_[A-Za-z0-9]{4,64}|ORD-[A-Za-z0-9-]{1,64})\b/i.exec(text);
  if (!m?.[1]) return undefined;
  return m[1].toLowerCase().startsWith('ord_') ? `ord_${m[1].slice(4)}` : m[1];
}
