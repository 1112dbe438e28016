// The Slack side of the notifier, on Bolt: "order ord_…?" in #orders and `/order ord_…` answer from the
// shop's API in the thread; the Refund button refunds through payments and updates the message. Every
// listener acks first (Slack's 3 s window) and works after.
import type { FetchLike, Logger } from '@hooklab/service';
import { App, type BlockAction, type Logger as BoltLogger, type ButtonAction, LogLevel } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type Stripe from 'stripe';
import { refundOrder } from '../clients/payments.ts';
import type { ShopClient, ShopOrder } from '../clients/shop.ts';
import { escapeMrkdwn, orderAnswer, orderIdIn, REFUND_ACTION } from './messages.ts';
import { answerOrderCommand, orderBotExercise } from './order-bot-exercise.ts';

export interface BotDeps {
  shop: Pick<ShopClient, 'order'>;
  stripe: Stripe;
  /** The bot's own token (the client Bolt hands listeners uses it). */
  botToken: string;
  /** For auth.test, once, so Bolt knows its own bot id and ignores its own messages. */
  slack: WebClient;
  /** The channel where questions are answered, e.g. `#orders`. */
  ordersChannel: string;
  clientOptions: ConstructorParameters<typeof App>[0] extends infer O
    ? O extends { clientOptions?: infer C }
      ? C
      : never
    : never;
  logger?: Logger | undefined;
  /** Dev mode: `pnpm dev --exercise 10` answers `/order` with the attendee's handleOrderQuestion. */
  dev?: boolean;
  /** For the exercise's response_url posts (traced and recorded); default the global fetch. */
  fetch?: FetchLike;
}

function boltLogger(logger: Logger | undefined): BoltLogger {
  const log =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...msg: unknown[]) =>
      logger?.[level]({ from: 'bolt' }, msg.map(String).join(' '));
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}

const REFUNDABLE = new Set(['paid', 'fulfilled', 'delivered', 'fulfilment_failed']);

/** What the bot says about an order id: the order, or why there is none. */
async function describe(deps: Pick<BotDeps, 'shop'>, id: string) {
  try {
    const order = await deps.shop.order(id);
    if (!order) return { text: `No order \`${escapeMrkdwn(id)}\` in the shop.`, order: undefined };
    return { ...orderAnswer(order), order };
  } catch (err) {
    return {
      text: `The shop did not answer about \`${escapeMrkdwn(id)}\`: ${escapeMrkdwn((err as Error).message)}`,
      order: undefined,
    };
  }
}

/** Builds the Bolt app over `receiver`; its listeners are the bot. */
export function createBot(
  deps: BotDeps,
  receiver: ConstructorParameters<typeof App>[0] extends infer O
    ? O extends { receiver?: infer R }
      ? R
      : never
    : never,
): App {
  let self: Promise<{ botId?: string; botUserId?: string }> | undefined;
  const whoAmI = () => {
    // Asked once when it works; a failure (Slack not up yet) is asked again on the next event.
    self ??= deps.slack.auth.test().then(
      (r) => ({ botId: r.bot_id, botUserId: r.user_id }),
      (err) => {
        self = undefined;
        deps.logger?.warn({ err: (err as Error).message }, 'auth.test failed; will ask again');
        return {};
      },
    );
    return self;
  };
  const app = new App({
    receiver,
    authorize: async () => ({ botToken: deps.botToken, ...(await whoAmI()) }),
    logger: boltLogger(deps.logger),
    clientOptions: deps.clientOptions,
    ignoreSelf: true,
  });

  const channelNames = new Map<string, string>();
  const ordersChannel = deps.ordersChannel.replace(/^#/, '');
  const isOrdersChannel = async (client: WebClient, channel: string) => {
    if (channel === ordersChannel) return true;
    let name = channelNames.get(channel);
    if (name === undefined) {
      const info = await client.conversations.info({ channel });
      name = info.channel?.name ?? '';
      channelNames.set(channel, name);
    }
    return name === ordersChannel;
  };

  app.message(/\b(ord_[A-Za-z0-9]{4,}|ORD-[A-Za-z0-9-]+)/i, async ({ message, say, client }) => {
    // Only people's messages: never a bot's (ours included), never an edit or a join.
    if (message.subtype !== undefined || 'bot_id' in message) return;
    const id = orderIdIn(message.text);
    if (!id || !(await isOrdersChannel(client, message.channel))) return;
    const answer = await describe(deps, id);
    await say({
      text: answer.text,
      ...('blocks' in answer ? { blocks: answer.blocks } : {}),
      thread_ts: message.thread_ts ?? message.ts,
    });
  });

  app.command('/order', async ({ command, ack, respond }) => {
    const exercise = await orderBotExercise(deps.dev ?? false);
    if (exercise)
      return answerOrderCommand(exercise, {
        text: command.text,
        responseUrl: command.response_url,
        ack: (message) => ack(message),
        getOrder: (orderId) => deps.shop.order(orderId),
        fetch: deps.fetch ?? globalThis.fetch,
        logger: deps.logger,
      });
    const id = orderIdIn(command.text);
    if (!id) {
      await ack({ response_type: 'ephemeral', text: 'Usage: `/order ord_…`' });
      return;
    }
    await ack();
    const answer = await describe(deps, id);
    await respond({
      response_type: 'in_channel',
      text: answer.text,
      ...('blocks' in answer ? { blocks: answer.blocks } : {}),
    });
  });

  app.action<BlockAction<ButtonAction>>(REFUND_ACTION, async ({ ack, action, body, respond }) => {
    await ack();
    const orderId = action.value ?? '';
    const who = body.user?.id ? `<@${body.user.id}>` : 'someone';
    const keep = (body.message?.blocks ?? []).filter((b: { type?: string }) => b.type !== 'actions');
    const answer = (text: string) =>
      respond({
        replace_original: true,
        text,
        blocks: [...keep, { type: 'context', elements: [{ type: 'mrkdwn', text }] }],
      });
    let order: ShopOrder | undefined;
    try {
      order = await deps.shop.order(orderId);
    } catch (err) {
      await respond({
        replace_original: false,
        response_type: 'ephemeral',
        text: `Could not read the order: ${(err as Error).message}`,
      });
      return;
    }
    if (!order) return void (await answer(`:x: No order \`${escapeMrkdwn(orderId)}\` in the shop.`));
    const pi = order.payment?.payment_intent_id;
    if (!REFUNDABLE.has(order.status) || !pi) {
      return void (await answer(
        `:information_source: Order \`${escapeMrkdwn(orderId)}\` is ${escapeMrkdwn(order.status.replaceAll('_', ' '))}: nothing to refund.`,
      ));
    }
    try {
      const refund = await refundOrder(
        deps.stripe,
        { id: order.id, paymentIntentId: pi },
        body.user?.id ?? 'unknown',
      );
      deps.logger?.info({ order: order.id, refund: refund.id }, 'refund requested from Slack');
      await answer(
        `:leftwards_arrow_with_hook: Refund \`${refund.id}\` (${refund.status}) requested by ${who}.`,
      );
    } catch (err) {
      const message = (err as Stripe.errors.StripeError)?.message ?? String(err);
      await respond({
        replace_original: false,
        response_type: 'ephemeral',
        text: `:x: The refund failed: ${escapeMrkdwn(message)}`,
      });
    }
  });

  app.error(async (err) => {
    deps.logger?.error({ err: err.message }, 'bot listener failed');
  });
  return app;
}
