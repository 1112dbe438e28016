// Exercise 10's guiding checks: a shop that answers when the test says so, and a response_url that records.
import { type Checks, ensure, LessonError, same, show } from '../kit/check.ts';
import type * as Impl from './solution/order-bot.ts';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** The shop, held until the test releases it; and what was posted to response_url. */
function world() {
  const asked: string[] = [];
  const shop = deferred<Impl.Order | undefined>();
  const said: Impl.SlackMessage[] = [];
  const deps: Impl.BotDeps = {
    getOrder: (id) => {
      asked.push(id);
      return shop.promise;
    },
    respond: async (m) => void said.push(m),
  };
  return { asked, shop, said, deps };
}

/** The bot's answer; a Promise instead (an async handler) is the lesson of the first check. */
function ask(impl: typeof Impl, text: string, deps: Impl.BotDeps) {
  const r = impl.handleOrderQuestion(text, deps) as unknown;
  if (r instanceof Promise) {
    r.catch(() => undefined);
    throw new LessonError(
      'handleOrderQuestion must return { ack, done } at once, not a Promise (see the first check)',
    );
  }
  return r as ReturnType<typeof impl.handleOrderQuestion>;
}

const ORDER: Impl.Order = {
  id: 'ord_3xYz9',
  status: 'paid',
  amount_total: 12000,
  currency: 'eur',
  customer: { name: 'Ada <admin> & co' },
};

export const suite: Checks<typeof Impl> = {
  checks: [
    {
      name: 'acknowledges at once, before the shop has answered',
      run(impl) {
        const w = world();
        const r = impl.handleOrderQuestion('order ord_3xYz9?', w.deps) as unknown;
        if (r instanceof Promise) r.catch(() => undefined);
        ensure(
          !(r instanceof Promise),
          'you waited for the shop before acknowledging: Slack gives you 3 s to ack (then shows the user "operation_timeout"), and the shop may be slower. Return { ack, done } at once and answer later with deps.respond()',
        );
        const { ack } = r as ReturnType<typeof impl.handleOrderQuestion>;
        same(ack.response_type, 'ephemeral', 'the ack is for the asker only ("Looking up …"): ephemeral');
        same(w.asked, ['ord_3xYz9'], 'ask the shop about the order in the question');
        same(w.said, [], 'nothing is posted before the shop answered');
      },
    },
    {
      name: 'answers in the channel once the shop has, escaped for mrkdwn',
      async run(impl) {
        const w = world();
        const { done } = ask(impl, 'hey, order ORD_3xYz9?', w.deps);
        w.shop.resolve(ORDER);
        await done;
        same(w.said.length, 1, 'one answer through respond()');
        const text = w.said[0]!.text;
        same(w.said[0]!.response_type, 'in_channel', 'the answer is for the channel: in_channel');
        ensure(
          text.includes('ord_3xYz9') && text.includes('paid') && text.includes('120.00 EUR'),
          `say the order, its status and its amount (120.00 EUR); you said ${show(text)}`,
        );
        ensure(
          !text.includes('<admin>') && text.includes('&lt;admin&gt; &amp; co'),
          `the customer's name came from the shop, and Slack reads <…> as a link or a mention: escape it (escapeMrkdwn); you said ${show(text)}`,
        );
      },
    },
    {
      name: 'an unknown order, a shop that fails: said so, to the asker only',
      async run(impl) {
        const missing = world();
        const a = ask(impl, 'order ORD-1042?', missing.deps);
        missing.shop.resolve(undefined);
        await a.done;
        same(
          missing.said.map((m) => m.response_type),
          ['ephemeral'],
          'an order the shop does not know: one ephemeral answer',
        );
        ensure(
          /no order ORD-1042/i.test(missing.said[0]?.text ?? ''),
          `say there is no order ORD-1042; you said ${show(missing.said[0]?.text)}`,
        );
        const down = world();
        const b = ask(impl, 'order ord_3xYz9?', down.deps);
        down.shop.reject(new Error('connect ECONNREFUSED 127.0.0.1:3001'));
        await b.done;
        same(
          down.said.length,
          1,
          'the shop failed: tell the asker (one ephemeral message), and `done` must not reject',
        );
      },
    },
    {
      name: 'a message with no order id: the usage, and no call to the shop',
      async run(impl) {
        const w = world();
        const r = ask(impl, 'where is my dress?', w.deps);
        await r.done;
        same(w.asked, [], 'no order id in the text: do not call the shop');
        ensure(/order/i.test(r.ack.text), 'ack with how to ask ("order ord_…?")');
      },
    },
  ],
};
