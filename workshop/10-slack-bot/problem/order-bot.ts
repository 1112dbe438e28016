// Exercise 10: a Slack bot that answers "order ord_…?" from the shop's API. Run `pnpm workshop test 10`.

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

// TODO: Slack shows "operation_timeout" when the ack takes more than 3 s, and the shop may be slower.
// Return { ack, done } at once (not a Promise): ack = "Looking up ord_…" (ephemeral); done = the lookup,
// then deps.respond(...) with the answer (in_channel), "No order …" (ephemeral) or, if the shop failed, a
// message saying so. A text with no order id: ack with the usage, call nothing.
// TODO: escape what the shop returns with escapeMrkdwn before putting it in a message.
export async function handleOrderQuestion(
  text: string,
  deps: BotDeps,
): Promise<{ ack: SlackMessage; done: Promise<void> }> {
  const id = orderIdIn(text) ?? '';
  const order = await deps.getOrder(id);
  const answer: SlackMessage = {
    response_type: 'in_channel',
    text: `Order ${order?.id} is ${order?.status}`,
  };
  return { ack: answer, done: Promise.resolve() };
}
