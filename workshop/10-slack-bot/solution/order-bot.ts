// Exercise 10 (reference): a Slack bot that answers "order ord_…?" from the shop's API. Slack waits 3 s
// for an acknowledgement; the shop may be slower: ack at once, answer when the shop has.

export interface Order {
  id: string;
  status: string;
  amount_total: number;
  currency: string;
  customer?: { name?: string };
}

export interface SlackMessage {
  response_type: 'ephemeral' | 'in_channel';
  text: string;
}

export interface BotDeps {
  /** GET /api/orders/:id on the shop; undefined for a 404. */
  getOrder(id: string): Promise<Order | undefined>;
  /** POST to the command's response_url. */
  respond(message: SlackMessage): Promise<void>;
}

/** Slack's mrkdwn: &, < and > are control characters in message text. */
export const escapeMrkdwn = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** The shop's ids (`ord_…`) and the humans' (`ORD-1042`). */
export function orderIdIn(text: string): string | undefined {
  const m = /\b(ord_[A-Za-z0-9]{4,64}|ORD-[A-Za-z0-9-]{1,64})\b/i.exec(text);
  if (!m?.[1]) return undefined;
  return m[1].toLowerCase().startsWith('ord_') ? `ord_${m[1].slice(4)}` : m[1];
}

const money = (cents: number, currency: string) => `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`;

export function handleOrderQuestion(text: string, deps: BotDeps): { ack: SlackMessage; done: Promise<void> } {
  const id = orderIdIn(text);
  if (!id)
    return {
      ack: { response_type: 'ephemeral', text: 'Ask me about an order: `order ord_…?`' },
      done: Promise.resolve(),
    };
  const done = deps
    .getOrder(id)
    .then((order) =>
      order
        ? deps.respond({
            response_type: 'in_channel',
            text: `Order ${escapeMrkdwn(order.id)} is ${escapeMrkdwn(order.status)}: ${money(order.amount_total, order.currency)}${order.customer?.name ? ` for ${escapeMrkdwn(order.customer.name)}` : ''}`,
          })
        : deps.respond({ response_type: 'ephemeral', text: `No order ${escapeMrkdwn(id)} in the shop.` }),
    )
    .catch(() =>
      deps.respond({ response_type: 'ephemeral', text: 'The shop did not answer; try again in a minute.' }),
    )
    .catch(() => undefined);
  return { ack: { response_type: 'ephemeral', text: `Looking up ${escapeMrkdwn(id)}…` }, done };
}
