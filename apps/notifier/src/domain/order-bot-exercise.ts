// Workshop exercise 10 (dev only, workshop/10-slack-bot): the attendee's handleOrderQuestion answers the
// `/order` slash command — their ack is the HTTP answer to Slack, their respond() posts to response_url.
import { EXERCISE_HEADER, exerciseModule, type FetchLike, type Logger, markExercise } from '@hooklab/service';
import type { ShopOrder } from '../clients/shop.ts';
import { show } from '../clients/websub-exercise.ts';

export interface SlackMessage {
  response_type: 'ephemeral' | 'in_channel';
  text: string;
}

type Answer = { ack: SlackMessage; done: Promise<void> };

/** The export of workshop/10-slack-bot/problem/order-bot.ts that the seam calls. */
export interface OrderBotExercise {
  handleOrderQuestion(
    text: string,
    deps: {
      getOrder(id: string): Promise<ShopOrder | undefined>;
      respond(message: SlackMessage): Promise<void>;
    },
  ): Answer | Promise<Answer>;
}

export interface OrderCommandInput {
  text: string;
  responseUrl: string;
  ack(message: SlackMessage): Promise<void>;
  getOrder(id: string): Promise<ShopOrder | undefined>;
  fetch: FetchLike;
  logger?: Logger | undefined;
}

/** The attendee's module under `pnpm dev --exercise 10` (dev mode only), else undefined: the bot's own code. */
export async function orderBotExercise(dev: boolean): Promise<OrderBotExercise | 'unloadable' | undefined> {
  try {
    return await exerciseModule<OrderBotExercise>('10', dev);
  } catch {
    return 'unloadable';
  }
}

/**
 * `/order …` through the attendee's handleOrderQuestion: marked 10, their ack answers Slack, their respond()
 * posts to response_url (marked too). What they get wrong is said to the asker, ephemeral, and logged.
 */
export async function answerOrderCommand(
  mod: OrderBotExercise | 'unloadable',
  input: OrderCommandInput,
): Promise<void> {
  markExercise('10');
  const fail = async (message: string) => {
    input.logger?.error(message);
    await input.ack({ response_type: 'ephemeral', text: message });
  };
  if (mod === 'unloadable' || typeof mod.handleOrderQuestion !== 'function')
    return fail('exercise 10: your module did not load or exports no function handleOrderQuestion');
  const respond = async (message: SlackMessage) => {
    const res = await input.fetch(input.responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [EXERCISE_HEADER]: '10' },
      body: JSON.stringify(message),
    });
    await res.body?.cancel().catch(() => {});
    if (!res.ok) throw new Error(`response_url answered ${res.status}`);
  };
  let answer: Answer;
  try {
    const r = mod.handleOrderQuestion(input.text, { getOrder: input.getOrder, respond });
    if (r instanceof Promise)
      input.logger?.warn(
        'exercise 10: handleOrderQuestion returned a Promise: the ack waits for it (Slack gives up after 3 s)',
      );
    answer = await r;
  } catch (err) {
    return fail(
      `exercise 10: handleOrderQuestion threw: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (typeof answer?.ack?.text !== 'string')
    return fail(`exercise 10: handleOrderQuestion returned ${show(answer)}: expected { ack, done }`);
  await input.ack(answer.ack);
  await Promise.resolve(answer.done).catch((err: unknown) =>
    input.logger?.error(`exercise 10: done rejected: ${err instanceof Error ? err.message : String(err)}`),
  );
}
