import { WebClient } from '@slack/web-api';
import { notifierRegistered } from './notifier-client.ts';
import { buyAndPay, getOrder } from './s04-order-fulfilment.ts';
import { check, defineScenario, type ScenarioContext, waitFor } from './scenario.ts';
import { shopReady } from './shop-client.ts';

export interface S13Result {
  orderId: string;
  channel: string;
  /** The notifier's message about the paid order (the one with the Refund button). */
  paidMessageTs: string;
  questionTs: string;
  answer: string;
  refundNote: string;
  finalStatus: string;
}

interface SlackMessage {
  ts: string;
  text?: string;
  user?: string;
  bot_id?: string;
  thread_ts?: string;
  blocks?: { type: string; elements?: { action_id?: string; value?: string }[] }[];
}

/** Reads the stand-in's workspace as a person would see it: the Web API with a user token. */
function slackFor(ctx: ScenarioContext): WebClient {
  return new WebClient(String(ctx.params.slack_user_token ?? ctx.keys.slack ?? 'xoxp-hooklab'), {
    slackApiUrl: `${ctx.urls.slack}/api/`,
    retryConfig: { retries: 0 },
    fetch: ctx.fetch as typeof fetch,
  });
}

/** The Slack UI's own calls (dev mode): type as a person, press a button. */
async function ui(ctx: ScenarioContext, path: string, body?: unknown) {
  const res = await ctx.fetch(`${ctx.urls.slack}/ui${path}`, {
    method: body ? 'POST' : 'GET',
    headers: body ? { 'content-type': 'application/json' } : {},
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as Record<string, unknown>;
  check(res.ok, `Slack UI ${path} answered ${res.status}`, json);
  return json;
}

const hasRefundButton = (m: SlackMessage) =>
  m.blocks?.some((b) => b.type === 'actions' && b.elements?.some((e) => e.action_id === 'refund_order'));

export const s13 = defineScenario<S13Result>({
  id: 'S13',
  title: 'Chat: API to send, webhook to receive',
  story:
    'Sending is an API call (chat.postMessage). Receiving is a webhook: Slack delivers message events to the ' +
    'subscribed app, which can answer, e.g. “order ord_…?” → the notifier asks the shop’s API and replies in ' +
    'the thread. Both directions again with money: a Refund button on the paid order’s message makes the ' +
    'notifier refund through payments (the stripe SDK) and update the message through its response_url.',
  actors: ['slack', 'notifier', 'shop', 'payments'],
  steps: [
    'Wait until the notifier has registered with payments, the shop and Slack',
    'A customer pays for a dress: the shop’s order.paid webhook → the notifier posts to #orders (chat.postMessage)',
    'A person types “order ord_…?” in #orders: Slack delivers a signed message event to the notifier',
    'The notifier reads the order from the shop’s API and answers in the thread',
    'The person presses Refund: a signed block_actions → refund through payments → message updated via response_url',
    'Payments tells the shop (charge.refunded): the order is refunded, and #orders says so',
  ],
  async run(ctx) {
    const timeoutMs = Number(ctx.params.timeout_ms ?? 30_000);
    const slack = slackFor(ctx);

    ctx.step(0);
    await notifierRegistered(ctx, timeoutMs);
    await shopReady(ctx);
    const channels = (await slack.conversations.list({ limit: 200 })).channels ?? [];
    const orders = channels.find((c) => c.name === 'orders');
    check(
      orders?.id,
      'Slack has an #orders channel',
      channels.map((c) => c.name),
    );
    const channel = orders.id;
    const workspace = (await ui(ctx, '/workspace')) as { people: { id: string; name: string }[] };
    const person = workspace.people[0];
    check(person, 'the workspace has a person to type as', workspace);
    ctx.say(`notifier registered; #orders is ${channel}; typing as ${person.name}`);

    ctx.step(1);
    const orderId = await buyAndPay(ctx, String(ctx.params.sku ?? 'DR-001'));
    const findPaid = async () => {
      const h = await slack.conversations.history({ channel, limit: 100 });
      return (h.messages as SlackMessage[] | undefined)?.find(
        (m) => m.bot_id && m.text?.includes(orderId) && hasRefundButton(m),
      );
    };
    const paid = await waitFor(findPaid, {
      timeoutMs,
      intervalMs: 100,
      what: `the order.paid message of ${orderId}`,
    });
    ctx.say(`#orders ← notifier: “${paid.text}” (with a Refund button)`);

    ctx.step(2);
    const question = `order ${orderId}?`;
    const typed = (await ui(ctx, '/messages', { channel, user: person.id, text: question })) as {
      ts: string;
    };
    ctx.say(`${person.name} in #orders: “${question}”`);

    ctx.step(3);
    const answer = await waitFor(
      async () => {
        const r = await slack.conversations.replies({ channel, ts: typed.ts });
        return (r.messages as SlackMessage[] | undefined)?.find((m) => m.bot_id && m.ts !== typed.ts);
      },
      { timeoutMs, intervalMs: 100, what: 'the notifier’s answer in the thread' },
    );
    check(answer.text?.includes(orderId), 'the answer is about the order asked for', answer);
    check(
      /is paid|is fulfilled|is delivered/.test(answer.text ?? ''),
      'the answer says the order is paid',
      answer,
    );
    ctx.say(`thread ← notifier: “${answer.text}”`);

    ctx.step(4);
    await ui(ctx, '/actions', { channel, user: person.id, ts: paid.ts, action_id: 'refund_order' });
    const updated = await waitFor(
      async () => {
        const h = await slack.conversations.history({ channel, limit: 100 });
        const m = (h.messages as SlackMessage[] | undefined)?.find((x) => x.ts === paid.ts);
        return m && !hasRefundButton(m) ? m : undefined;
      },
      { timeoutMs, intervalMs: 100, what: 'the paid message updated through response_url' },
    );
    const note =
      JSON.stringify(updated.blocks ?? []).match(/Refund `(re_[^`]+)`[^"]*/)?.[0] ?? updated.text ?? '';
    check(note.includes('re_'), 'the message names the refund', updated);
    ctx.say(`message ${paid.ts} updated: ${note}`);

    ctx.step(5);
    const refunded = await waitFor(
      async () => {
        const o = await getOrder(ctx, orderId);
        return o.status === 'refunded' ? o : undefined;
      },
      { timeoutMs, intervalMs: 100, what: `${orderId} refunded in the shop` },
    );
    await waitFor(
      async () => {
        const h = await slack.conversations.history({ channel, limit: 100 });
        return (h.messages as SlackMessage[] | undefined)?.find(
          (m) => m.bot_id && m.text?.includes(orderId) && /refunded/.test(m.text),
        );
      },
      { timeoutMs, intervalMs: 100, what: 'the order.refunded message in #orders' },
    );
    ctx.say(`shop: ${orderId} is ${refunded.status}; #orders ← notifier: order refunded`);
    return {
      orderId,
      channel,
      paidMessageTs: paid.ts,
      questionTs: typed.ts,
      answer: answer.text ?? '',
      refundNote: note,
      finalStatus: refunded.status,
    };
  },
});
